// Loads the wasm UI; wasm-bindgen's glue (headsup_ui.js) fetches headsup_ui_bg.wasm next to it.
import init from './headsup_ui.js';
init();
