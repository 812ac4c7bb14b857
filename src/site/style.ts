// The site's whole stylesheet, inlined in every page: one small block costs less than a
// second request before the first paint, and a copied public/ cannot lose it. System
// fonts, light and dark from prefers-color-scheme, readable from 320 px up, and a focus
// ring on everything that takes the keyboard (around the player's wrapper for media
// elements, whose own outline Chromium's built-in controls do not show).
export const SITE_CSS = `
:root{color-scheme:light dark;--bg:#fbfaf7;--fg:#1d1d1f;--muted:#5b5b63;--line:#dedbd3;--card:#fff;--accent:#0b57d0;--focus:#c2410c}
@media (prefers-color-scheme:dark){:root{--bg:#141416;--fg:#ececef;--muted:#a8a8b3;--line:#33333a;--card:#1e1e22;--accent:#8ab4f8;--focus:#fdba74}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0 auto;max-width:46rem;padding:1rem 1rem 3rem;background:var(--bg);color:var(--fg);font:1rem/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;overflow-wrap:anywhere}
a{color:var(--accent);text-underline-offset:.15em}
a:focus-visible,button:focus-visible,input:focus-visible,summary:focus-visible{outline:3px solid var(--focus);outline-offset:2px;border-radius:2px}
.sc-player:focus-within{outline:3px solid var(--focus);outline-offset:3px;border-radius:.4rem}
h1,h2,h3{line-height:1.2;margin:0 0 .4rem}
h1{font-size:1.75rem}h2{font-size:1.2rem;margin-top:1.6rem}h3{font-size:1.1rem}
p{margin:.4rem 0}
body>nav{margin-bottom:.8rem}
.skip{position:absolute;left:-999px;top:0;background:var(--card);padding:.5rem}
.skip:focus{left:1rem}
.show{display:flex;gap:1.2rem;align-items:flex-start;flex-wrap:wrap}
.show>div{flex:1 1 16rem;min-width:0}
.cover{width:10rem;height:10rem;border-radius:.6rem;object-fit:cover;flex:none;background:var(--line)}
.art{width:6rem;height:6rem;border-radius:.5rem;object-fit:cover;float:right;margin:0 0 .5rem 1rem}
.by,.meta,.note,footer{color:var(--muted);font-size:.9rem}
.subscribe{background:var(--card);border:1px solid var(--line);border-radius:.6rem;padding:.8rem 1rem;margin-top:1.2rem}
.subscribe h2{margin-top:0}
.copy{display:flex;gap:.5rem;margin:.3rem 0 .6rem}
.copy input{flex:1;min-width:0;font:inherit;font-size:.9rem;padding:.4rem .5rem;border:1px solid var(--line);border-radius:.4rem;background:var(--bg);color:var(--fg)}
button{font:inherit;padding:.4rem .9rem;border-radius:.4rem;border:1px solid var(--accent);background:var(--accent);color:var(--bg);cursor:pointer}
.feeds{display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;list-style:none;padding:0;margin:.4rem 0 0}
.episodes{list-style:none;padding:0;margin:0}
.episodes>li{background:var(--card);border:1px solid var(--line);border-radius:.6rem;padding:1rem;margin:.8rem 0}
.sc-player{margin:.6rem 0}
.sc-player audio,.sc-player video{display:block;width:100%}
.sc-player video{aspect-ratio:16/9;height:auto;max-height:70vh;object-fit:contain;background:#000;border-radius:.4rem}
.downloads{display:flex;flex-wrap:wrap;gap:.3rem 1rem;list-style:none;padding:0;margin:.4rem 0;font-size:.95rem}
.chapters{padding-left:0;list-style:none}
.chapters li{margin:.2rem 0;display:flex;align-items:center;gap:.6rem}
.chapters .thumb{flex:none;width:3rem;height:3rem;object-fit:cover;border-radius:.3rem}
.chapters .more{flex:none;font-size:.9rem}
.notes img{max-width:100%;height:auto}
.notes pre{overflow:auto}
.notes table{display:block;overflow:auto;border-collapse:collapse}
.notes th,.notes td{border:1px solid var(--line);padding:.2rem .5rem}
.chapters .t{display:inline-block;min-width:3.5rem;font-variant-numeric:tabular-nums;color:var(--muted)}
.transcript{max-height:24rem;overflow:auto;border:1px solid var(--line);border-radius:.4rem;padding:.2rem .8rem}
footer{margin-top:2rem;border-top:1px solid var(--line);padding-top:.8rem}
`.trim().replace(/\n/g, '')

// Makes the subscribe box's Copy buttons work where the Clipboard API exists; without it
// (or without JavaScript) the buttons stay hidden and the URL field is there to select.
export const COPY_SCRIPT = `for(const b of document.querySelectorAll('button[data-copy]')){const i=document.getElementById(b.dataset.copy);if(!i||!navigator.clipboard)continue;b.hidden=false;i.addEventListener('focus',()=>i.select());b.addEventListener('click',()=>navigator.clipboard.writeText(i.value).then(()=>{b.textContent='Copied';setTimeout(()=>{b.textContent='Copy'},2000)},()=>i.select()))}`
