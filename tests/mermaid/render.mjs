// Mermaid's own parser and renderer over a batch of diagrams, in one Node process (tests/diagrams.py).
// argv[2]: the folder .ci/diagrams installed the pinned packages in; stdin: a JSON array of diagram
// sources; stdout: a JSON array, per diagram null (Mermaid parsed and rendered it) or Mermaid's error
// message. jsdom stands in for the browser; it lays out no text, so every text measures 8 px per
// character: the layout's numbers are not a browser's, its code paths are Mermaid's.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const installed = createRequire(join(process.argv[2], "package.json"));
const { JSDOM } = installed("jsdom");
const { window } = new JSDOM("<!DOCTYPE html><body></body>", { pretendToBeVisual: true });
for (const name of ["window", "document", "navigator", "Element", "HTMLElement", "SVGElement", "CSSStyleSheet",
                    "DOMParser", "MutationObserver"]) {
  Object.defineProperty(globalThis, name, { value: name === "window" ? window : window[name], configurable: true });
}
const measure = (node) => 8 * (node.textContent || "").length;
window.SVGElement.prototype.getBBox = function () { return { x: 0, y: 0, width: measure(this) + 1, height: 16 }; };
window.SVGElement.prototype.getComputedTextLength = function () { return measure(this); };

const { default: mermaid } = await import(pathToFileURL(installed.resolve("mermaid")).href);
mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });

const sources = JSON.parse(readFileSync(0, "utf8"));
const results = [];
for (const [index, source] of sources.entries()) {
  window.document.body.innerHTML = "";
  try {
    await mermaid.parse(source);
    await mermaid.render(`diagram${index}`, source);
    results.push(null);
  } catch (error) {
    results.push(String((error && error.message) || error));
  }
}
process.stdout.write(JSON.stringify(results));
