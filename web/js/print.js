// Print: one A4 landscape page with the map, the title, the date and the legend, without the
// tool forms. The Print button lays the page out for paper first and waits until the map has
// finished drawing at that size; printing from the browser's menu prints a picture of the map
// as last drawn, so that a half-drawn map never reaches the paper.

const $ = (id) => document.getElementById(id);

export function setupPrint({ map, idle, caption }) {
  const picture = $('print-map');
  const title = document.querySelector('.title');

  function freeze() {
    picture.src = map.getCanvas().toDataURL('image/png');
    title.dataset.caption = caption();
  }

  async function print() {
    document.body.classList.add('print-layout');
    map.resize();
    await idle();
    await new Promise((resolve) => { map.once('render', resolve); map.triggerRepaint(); });
    freeze();
    window.print();
  }

  window.addEventListener('beforeprint', () => {
    if (!document.body.classList.contains('print-layout')) freeze();
  });
  window.addEventListener('afterprint', () => {
    document.body.classList.remove('print-layout');
    map.resize();
  });
  $('btn-print').addEventListener('click', print);
  return { print, freeze };
}
