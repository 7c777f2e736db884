// js/embed.js: the public address of the <initscope-lab> element. Pages that embed the lab load
// this URL (README's snippet, the Embed dialog's, the npm package's `initscope/embed`), so it
// stays put while the module itself lives with its feature in embed/embed.js.
export * from './embed/embed.js';
