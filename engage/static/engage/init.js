// Starts GOV.UK Frontend's components on every page (loaded as a module, so CSP-friendly).
import { initAll } from "../build/govuk-frontend.min.js";

initAll();
