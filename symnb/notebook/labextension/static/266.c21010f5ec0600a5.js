"use strict";(self.rspackChunksymnb_graph=self.rspackChunksymnb_graph||[]).push([[266],{14(e,r,t){var n=t(12),a=t.n(n),o=t(13),s=(t.n(o))()(a());s.push([e.id,`.symnb-widget { font: 12px/1.35 system-ui, -apple-system, "Segoe UI", sans-serif; color: #111827; }
.symnb-head { display: flex; gap: 12px; align-items: baseline; margin-bottom: 6px; }
.symnb-title { font-weight: 600; }
.symnb-event { color: #6b7280; }
.symnb-body { display: flex; gap: 16px; align-items: flex-start; flex-wrap: wrap; }
.symnb-graph-box { flex: 0 0 auto; }
.symnb-graph text { font: 12px system-ui, sans-serif; fill: #111827; }
.symnb-graph .symnb-line-title { font-weight: 600; }
.symnb-graph .symnb-line-body { font-size: 11px; }
.symnb-graph .symnb-line-caption { fill: #4b5563; font-size: 10px; }
.symnb-graph .symnb-node rect { stroke-width: 1.2; }
.symnb-graph .symnb-node { cursor: pointer; }
.symnb-graph .role-weight rect, .symnb-graph .role-bias rect, .symnb-graph .role-aux rect,
.symnb-graph .role-label rect { fill: #f3f4f6; stroke: #9ca3af; stroke-dasharray: 3 2; }
.symnb-edge { stroke: #6b7280; stroke-width: 1.2; }
.symnb-edge.bad { stroke: #dc2626; stroke-width: 2.4; stroke-dasharray: 5 3; }
.symnb-arrowhead { fill: #6b7280; }
.symnb-arrowhead.bad { fill: #dc2626; }
.symnb-graph .symnb-edge-label { font-size: 10.5px; fill: #374151; }
.symnb-graph .symnb-edge-label.bad { fill: #dc2626; font-weight: 600; }
.symnb-note { color: #b91c1c; max-width: 420px; }
.symnb-arrays { flex: 1 1 320px; min-width: 260px; }
.symnb-group-title { font-weight: 600; margin: 6px 0 3px; text-transform: capitalize; }
.symnb-row { display: flex; flex-wrap: wrap; gap: 8px; }
.symnb-array { border: 1px solid #e5e7eb; border-radius: 6px; padding: 5px 7px; min-width: 90px; }
.symnb-array.picked { border-color: #2563eb; box-shadow: 0 0 0 2px #bfdbfe; }
.symnb-array-name { font-weight: 600; font-family: ui-monospace, monospace; }
.symnb-array-meta { color: #6b7280; font-size: 11px; }
.symnb-array-values { font-family: ui-monospace, monospace; margin: 2px 0; max-width: 240px;
  overflow-wrap: anywhere; }
.symnb-heatmap { display: block; margin: 3px 0; image-rendering: pixelated; border: 1px solid #e5e7eb; }
.group-grad .symnb-array { background: #fff7ed; }
.group-output .symnb-array { background: #f0fdf4; }
.group-aux .symnb-array { background: #fefce8; }
`,""]),t.d(r,{},{A:s})},11(e,r,t){var n=t(12),a=t.n(n),o=t(13),s=t.n(o),i=t(14),p=s()(a());p.i(i.A),p.push([e.id,`/* the widget's stylesheet is the source of truth for the graph itself */

.symnb-lab-graph { overflow-x: auto; padding: 2px 0; }
.symnb-lab-info { color: var(--jp-ui-font-color2, #6b7280); font-size: 12px; margin-top: 4px; }
`,""]),t.d(r,{},{A:p})},13(e){e.exports=function(e){var r=[];return r.toString=function(){return this.map(function(r){var t="",n=void 0!==r[5];return r[4]&&(t+="@supports (".concat(r[4],") {")),r[2]&&(t+="@media ".concat(r[2]," {")),n&&(t+="@layer".concat(r[5].length>0?" ".concat(r[5]):""," {")),t+=e(r),n&&(t+="}"),r[2]&&(t+="}"),r[4]&&(t+="}"),t}).join("")},r.i=function(e,t,n,a,o){"string"==typeof e&&(e=[[null,e,void 0]]);var s={};if(n)for(var i=0;i<this.length;i++){var p=this[i][0];null!=p&&(s[p]=!0)}for(var l=0;l<e.length;l++){var c=[].concat(e[l]);n&&s[c[0]]||(void 0!==o&&(void 0===c[5]||(c[1]="@layer".concat(c[5].length>0?" ".concat(c[5]):""," {").concat(c[1],"}")),c[5]=o),t&&(c[2]&&(c[1]="@media ".concat(c[2]," {").concat(c[1],"}")),c[2]=t),a&&(c[4]?(c[1]="@supports (".concat(c[4],") {").concat(c[1],"}"),c[4]=a):c[4]="".concat(a)),r.push(c))}},r}},12(e){e.exports=function(e){return e[1]}},4(e,r,t){t.r(r);var n=t(5),a=t.n(n),o=t(6),s=t.n(o),i=t(7),p=t.n(i),l=t(8),c=t.n(l),d=t(9),f=t.n(d),m=t(10),u=t.n(m),b=t(11),y={};y.styleTagTransform=u(),y.setAttributes=c(),y.insert=p().bind(null,"head"),y.domAPI=s(),y.insertStyleElement=f(),a()(b.A,y);let h=b.A&&b.A.locals?b.A.locals:void 0;t.d(r,{},{default:h})},5(e){var r=[];function t(e){for(var t=-1,n=0;n<r.length;n++)if(r[n].identifier===e){t=n;break}return t}function n(e,n){for(var a={},o=[],s=0;s<e.length;s++){var i=e[s],p=n.base?i[0]+n.base:i[0],l=a[p]||0,c="".concat(p," ").concat(l);a[p]=l+1;var d=t(c),f={css:i[1],media:i[2],sourceMap:i[3],supports:i[4],layer:i[5]};if(-1!==d)r[d].references++,r[d].updater(f);else{var m=function(e,r){var t=r.domAPI(r);return t.update(e),function(r){r?(r.css!==e.css||r.media!==e.media||r.sourceMap!==e.sourceMap||r.supports!==e.supports||r.layer!==e.layer)&&t.update(e=r):t.remove()}}(f,n);n.byIndex=s,r.splice(s,0,{identifier:c,updater:m,references:1})}o.push(c)}return o}e.exports=function(e,a){var o=n(e=e||[],a=a||{});return function(e){e=e||[];for(var s=0;s<o.length;s++){var i=t(o[s]);r[i].references--}for(var p=n(e,a),l=0;l<o.length;l++){var c=t(o[l]);0===r[c].references&&(r[c].updater(),r.splice(c,1))}o=p}}},7(e){var r={};e.exports=function(e,t){var n=function(e){if(void 0===r[e]){var t=document.querySelector(e);if(window.HTMLIFrameElement&&t instanceof window.HTMLIFrameElement)try{t=t.contentDocument.head}catch(e){t=null}r[e]=t}return r[e]}(e);if(!n)throw Error("Couldn't find a style target. This probably means that the value for the 'insert' parameter is invalid.");n.appendChild(t)}},9(e){e.exports=function(e){var r=document.createElement("style");return e.setAttributes(r,e.attributes),e.insert(r,e.options),r}},8(e,r,t){e.exports=function(e){var r=t.nc;r&&e.setAttribute("nonce",r)}},6(e){e.exports=function(e){if("u"<typeof document)return{update:function(){},remove:function(){}};var r=e.insertStyleElement(e);return{update:function(t){var n,a,o;n="",t.supports&&(n+="@supports (".concat(t.supports,") {")),t.media&&(n+="@media ".concat(t.media," {")),(a=void 0!==t.layer)&&(n+="@layer".concat(t.layer.length>0?" ".concat(t.layer):""," {")),n+=t.css,a&&(n+="}"),t.media&&(n+="}"),t.supports&&(n+="}"),(o=t.sourceMap)&&"u">typeof btoa&&(n+="\n/*# sourceMappingURL=data:application/json;base64,".concat(btoa(unescape(encodeURIComponent(JSON.stringify(o))))," */")),e.styleTagTransform(n,r,e.options)},remove:function(){var e;null===(e=r).parentNode||e.parentNode.removeChild(e)}}}},10(e){e.exports=function(e,r){if(r.styleSheet)r.styleSheet.cssText=e;else{for(;r.firstChild;)r.removeChild(r.firstChild);r.appendChild(document.createTextNode(e))}}}}]);