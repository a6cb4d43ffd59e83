// Merged by @jupyter/builder into its own config (package.json "jupyterlab.rspackConfig").
// Module ids by order, not by a hash of the module's identifier: the container entry's
// identifier holds absolute paths, so hashed ids made the bundle depend on the checkout path.
module.exports = {
  optimization: { moduleIds: "natural" },
};
