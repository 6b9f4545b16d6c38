/**
 * The fixed test page of the main-thread comparison: a product listing with an LCP image, a few
 * hundred elements, and a button whose handler re-renders part of the list (an interaction for
 * INP). Identical for every variant but for `headTags`, where the RUM script goes.
 */
export function testPage(headTags: string): string {
  const cards = Array.from(
    { length: 300 },
    (_, i) =>
      `<li class="card"><h3>Product ${i}</h3><p>Size ${(i % 5) + 36}, colour ${['red', 'blue', 'green'][i % 3]}</p><span class="price">${(9.99 + i).toFixed(2)}</span></li>`,
  ).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Shop</title>
${headTags}
<style>
  body { font: 14px sans-serif; margin: 0 } header { height: 320px; }
  header img { width: 100%; height: 320px; display: block }
  ul { display: grid; grid-template-columns: repeat(4, 1fr); gap: 8px; list-style: none; padding: 8px }
  .card { border: 1px solid #ccc; padding: 8px } .sale .price { color: red }
</style>
</head>
<body>
<header><img src="/hero.svg" alt="Sale"></header>
<button id="sort">Sort by price</button>
<ul id="list">${cards}</ul>
<script>
  // A modest handler: reverses the list and marks every third card, well under 50 ms.
  document.getElementById('sort').addEventListener('click', () => {
    const list = document.getElementById('list');
    const items = [...list.children].reverse();
    items.forEach((li, i) => li.classList.toggle('sale', i % 3 === 0));
    list.append(...items);
  });
</script>
</body>
</html>`;
}

/** The hero image: the page's LCP element. */
export const HERO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="320"><rect width="1200" height="320" fill="#246"/><text x="60" y="180" font-size="96" fill="#fff">Summer sale</text></svg>`;
