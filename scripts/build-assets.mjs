// Builds engage/static/build/ from npm packages: the stylesheet (GOV.UK Frontend compiled with
// the council's own typeface, no GDS Transport font) and the scripts the pages load.
// Run by `make assets`; the output is not committed.
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "engage", "static", "build");
mkdirSync(out, { recursive: true });

const css = sass.compile(join(root, "engage", "static_src", "engage.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
// The only images GOV.UK Frontend's CSS refers to are the royal crest and crown, reserved for
// GOV.UK: Engage does not ship them, so those references become "none".
const withoutCrest = css.css.replace(/url\("[^"]*govuk-(crest|crown)[^"]*"\)/g, "none");
writeFileSync(join(out, "engage.css"), withoutCrest);

const vendored = {
  "govuk-frontend.min.js": "govuk-frontend/dist/govuk/govuk-frontend.min.js",
  "htmx.min.js": "htmx.org/dist/htmx.min.js",
  "chart.umd.min.js": "chart.js/dist/chart.umd.min.js",
};
for (const [name, source] of Object.entries(vendored)) {
  copyFileSync(join(root, "node_modules", source), join(out, name));
  // Source maps too: the scripts refer to them, and hashed static storage follows the reference.
  if (existsSync(join(root, "node_modules", `${source}.map`))) {
    copyFileSync(join(root, "node_modules", `${source}.map`), join(out, `${name}.map`));
  }
}
console.log(`assets built in ${out}`);
