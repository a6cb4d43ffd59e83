"use strict";(self.rspackChunksymnb_graph=self.rspackChunksymnb_graph||[]).push([[266],{14(e,t,n){var r=n(12),s=n.n(r),a=n(13),o=(n.n(a))()(s());o.push([e.id,`/* Every rule is scoped under .symnb-widget, so nothing leaks into other outputs. */
.symnb-widget { position: relative; font: 12px/1.35 system-ui, -apple-system, "Segoe UI", sans-serif;
  color: #111827; }
.symnb-widget .symnb-head { display: flex; gap: 12px; align-items: baseline; margin-bottom: 4px; }
.symnb-widget .symnb-title { font-weight: 600; }
.symnb-widget .symnb-event, .symnb-widget .symnb-step-status, .symnb-widget .symnb-found-count {
  color: #6b7280; }
.symnb-widget .symnb-tools, .symnb-widget .symnb-stepbar { display: flex; gap: 6px;
  align-items: center; margin: 3px 0; flex-wrap: wrap; }
.symnb-widget .symnb-button { font: inherit; padding: 1px 8px; border: 1px solid #d1d5db;
  border-radius: 4px; background: #f9fafb; cursor: pointer; }
.symnb-widget .symnb-button:hover { background: #eef2ff; }
.symnb-widget .symnb-find { font: inherit; width: 150px; padding: 1px 4px; }
.symnb-widget .symnb-viewport { border: 1px solid #e5e7eb; border-radius: 6px; overflow: hidden;
  background: #fff; cursor: grab; touch-action: none; }
.symnb-widget .symnb-tooltip { position: absolute; z-index: 10; pointer-events: none;
  background: #111827; color: #f9fafb; padding: 4px 7px; border-radius: 4px; font-size: 11px;
  max-width: 320px; overflow-wrap: anywhere; }
.symnb-widget .symnb-graph { display: block; }
.symnb-widget .symnb-graph text { font: 12px system-ui, sans-serif; fill: #111827; }
.symnb-widget .symnb-graph .symnb-line-title { font-weight: 600; }
.symnb-widget .symnb-graph .symnb-line-body { font-size: 11px; }
.symnb-widget .symnb-graph .symnb-line-caption { fill: #4b5563; font-size: 10px; }
.symnb-widget .symnb-graph .symnb-value { font: 10px ui-monospace, monospace; fill: #1d4ed8;
  paint-order: stroke; stroke: #fff; stroke-width: 3px; }
.symnb-widget .symnb-graph .symnb-node rect { stroke-width: 1.2; }
.symnb-widget .symnb-graph .symnb-node { cursor: pointer; }
.symnb-widget .symnb-graph .symnb-folded rect { stroke-width: 2; stroke-dasharray: 6 2; }
.symnb-widget .symnb-graph .role-weight rect, .symnb-widget .symnb-graph .role-bias rect,
.symnb-widget .symnb-graph .role-aux rect, .symnb-widget .symnb-graph .role-label rect {
  fill: #f3f4f6; stroke: #9ca3af; stroke-dasharray: 3 2; }
.symnb-widget .symnb-graph .symnb-found rect { stroke: #7c3aed; stroke-width: 2.5; }
.symnb-widget .symnb-graph .symnb-found-current rect { stroke: #7c3aed; stroke-width: 4; }
.symnb-widget .symnb-graph .symnb-picked rect { stroke: #2563eb; stroke-width: 2.5; }
.symnb-widget .symnb-graph .symnb-visited-forward rect { stroke: #dc2626; stroke-width: 2; }
.symnb-widget .symnb-graph .symnb-visited-backward rect { stroke: #16a34a; stroke-width: 2; }
.symnb-widget .symnb-graph .symnb-lit rect { stroke: #f59e0b; stroke-width: 4; fill: #fef3c7; }
.symnb-widget .symnb-graph .symnb-frame rect { fill: none; stroke: #9ca3af; stroke-dasharray: 4 3; }
.symnb-widget .symnb-graph .symnb-frame { cursor: pointer; }
.symnb-widget .symnb-graph .symnb-frame-label { font-size: 10px; fill: #4b5563; }
.symnb-widget .symnb-edge { stroke: #6b7280; stroke-width: 1.2; }
.symnb-widget .symnb-edge.bad { stroke: #dc2626; stroke-width: 2.4; stroke-dasharray: 5 3; }
.symnb-widget .symnb-arrowhead { fill: #6b7280; }
.symnb-widget .symnb-arrowhead.bad { fill: #dc2626; }
.symnb-widget .symnb-graph .symnb-edge-label { font-size: 10.5px; fill: #374151; }
.symnb-widget .symnb-graph .symnb-edge-label.bad { fill: #dc2626; font-weight: 600; }
.symnb-widget .symnb-note { color: #b91c1c; max-width: 420px; }
.symnb-widget .symnb-details-title { font-weight: 600; margin: 6px 0 3px; }
.symnb-widget .symnb-row { display: flex; flex-wrap: wrap; gap: 8px; }
.symnb-widget .symnb-array { border: 1px solid #e5e7eb; border-radius: 6px; padding: 5px 7px;
  min-width: 90px; }
.symnb-widget .symnb-array-name { font-weight: 600; font-family: ui-monospace, monospace; }
.symnb-widget .symnb-array-meta, .symnb-widget .symnb-array-stats { color: #6b7280; font-size: 11px; }
.symnb-widget .symnb-array-bad { color: #b91c1c; font-size: 11px; }
.symnb-widget .symnb-array-values { font-family: ui-monospace, monospace; margin: 2px 0;
  max-width: 240px; overflow-wrap: anywhere; }
.symnb-widget .symnb-heatmap { display: block; margin: 3px 0; image-rendering: pixelated;
  border: 1px solid #e5e7eb; }
.symnb-widget .symnb-histogram rect { fill: #60a5fa; }
.symnb-widget .symnb-array.group-grad { background: #f0fdf4; }
.symnb-widget .symnb-array.group-output { background: #fef2f2; }
.symnb-widget .symnb-array.group-aux { background: #ecfdf5; }
.symnb-widget .symnb-static img { max-width: 100%; }
`,""]),n.d(t,{},{A:o})},11(e,t,n){var r=n(12),s=n.n(r),a=n(13),o=n.n(a),i=n(14),d=o()(s());d.i(i.A),d.push([e.id,`/* the widget's stylesheet is the source of truth for the graph itself */

.symnb-lab-graph { overflow-x: auto; padding: 2px 0; }
.symnb-lab-info { color: var(--jp-ui-font-color2, #6b7280); font-size: 12px; margin-top: 4px; }
`,""]),n.d(t,{},{A:d})},13(e){e.exports=function(e){var t=[];return t.toString=function(){return this.map(function(t){var n="",r=void 0!==t[5];return t[4]&&(n+="@supports (".concat(t[4],") {")),t[2]&&(n+="@media ".concat(t[2]," {")),r&&(n+="@layer".concat(t[5].length>0?" ".concat(t[5]):""," {")),n+=e(t),r&&(n+="}"),t[2]&&(n+="}"),t[4]&&(n+="}"),n}).join("")},t.i=function(e,n,r,s,a){"string"==typeof e&&(e=[[null,e,void 0]]);var o={};if(r)for(var i=0;i<this.length;i++){var d=this[i][0];null!=d&&(o[d]=!0)}for(var b=0;b<e.length;b++){var m=[].concat(e[b]);r&&o[m[0]]||(void 0!==a&&(void 0===m[5]||(m[1]="@layer".concat(m[5].length>0?" ".concat(m[5]):""," {").concat(m[1],"}")),m[5]=a),n&&(m[2]&&(m[1]="@media ".concat(m[2]," {").concat(m[1],"}")),m[2]=n),s&&(m[4]?(m[1]="@supports (".concat(m[4],") {").concat(m[1],"}"),m[4]=s):m[4]="".concat(s)),t.push(m))}},t}},12(e){e.exports=function(e){return e[1]}},4(e,t,n){n.r(t);var r=n(5),s=n.n(r),a=n(6),o=n.n(a),i=n(7),d=n.n(i),b=n(8),m=n.n(b),p=n(9),y=n.n(p),c=n(10),l=n.n(c),f=n(11),g={};g.styleTagTransform=l(),g.setAttributes=m(),g.insert=d().bind(null,"head"),g.domAPI=o(),g.insertStyleElement=y(),s()(f.A,g);let u=f.A&&f.A.locals?f.A.locals:void 0;n.d(t,{},{default:u})},5(e){var t=[];function n(e){for(var n=-1,r=0;r<t.length;r++)if(t[r].identifier===e){n=r;break}return n}function r(e,r){for(var s={},a=[],o=0;o<e.length;o++){var i=e[o],d=r.base?i[0]+r.base:i[0],b=s[d]||0,m="".concat(d," ").concat(b);s[d]=b+1;var p=n(m),y={css:i[1],media:i[2],sourceMap:i[3],supports:i[4],layer:i[5]};if(-1!==p)t[p].references++,t[p].updater(y);else{var c=function(e,t){var n=t.domAPI(t);return n.update(e),function(t){t?(t.css!==e.css||t.media!==e.media||t.sourceMap!==e.sourceMap||t.supports!==e.supports||t.layer!==e.layer)&&n.update(e=t):n.remove()}}(y,r);r.byIndex=o,t.splice(o,0,{identifier:m,updater:c,references:1})}a.push(m)}return a}e.exports=function(e,s){var a=r(e=e||[],s=s||{});return function(e){e=e||[];for(var o=0;o<a.length;o++){var i=n(a[o]);t[i].references--}for(var d=r(e,s),b=0;b<a.length;b++){var m=n(a[b]);0===t[m].references&&(t[m].updater(),t.splice(m,1))}a=d}}},7(e){var t={};e.exports=function(e,n){var r=function(e){if(void 0===t[e]){var n=document.querySelector(e);if(window.HTMLIFrameElement&&n instanceof window.HTMLIFrameElement)try{n=n.contentDocument.head}catch(e){n=null}t[e]=n}return t[e]}(e);if(!r)throw Error("Couldn't find a style target. This probably means that the value for the 'insert' parameter is invalid.");r.appendChild(n)}},9(e){e.exports=function(e){var t=document.createElement("style");return e.setAttributes(t,e.attributes),e.insert(t,e.options),t}},8(e,t,n){e.exports=function(e){var t=n.nc;t&&e.setAttribute("nonce",t)}},6(e){e.exports=function(e){if("u"<typeof document)return{update:function(){},remove:function(){}};var t=e.insertStyleElement(e);return{update:function(n){var r,s,a;r="",n.supports&&(r+="@supports (".concat(n.supports,") {")),n.media&&(r+="@media ".concat(n.media," {")),(s=void 0!==n.layer)&&(r+="@layer".concat(n.layer.length>0?" ".concat(n.layer):""," {")),r+=n.css,s&&(r+="}"),n.media&&(r+="}"),n.supports&&(r+="}"),(a=n.sourceMap)&&"u">typeof btoa&&(r+="\n/*# sourceMappingURL=data:application/json;base64,".concat(btoa(unescape(encodeURIComponent(JSON.stringify(a))))," */")),e.styleTagTransform(r,t,e.options)},remove:function(){var e;null===(e=t).parentNode||e.parentNode.removeChild(e)}}}},10(e){e.exports=function(e,t){if(t.styleSheet)t.styleSheet.cssText=e;else{for(;t.firstChild;)t.removeChild(t.firstChild);t.appendChild(document.createTextNode(e))}}}}]);