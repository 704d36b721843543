// Colours and fonts shared by the style, the icons and the legend.

export const COLORS = {
  sea: '#d7e4ee',
  land: '#f3f0e8',
  landOutside: '#ebe7dd',
  boundary: '#6f6a63',
  text: '#1f2328',
  halo: '#ffffff',
  border: '#c2185b',
  route: '#6a1b9a',
  event: '#00796b',
  force: '#b71c1c',
  installation: '#263238',
  zone: '#ff8f00',
  highlight: '#ffd600',
  here: '#d50000',
};

export const THEATER_COLORS = ['#00897b', '#e65100', '#8e24aa', '#3949ab', '#6d4c41'];
export const GROUPING_COLORS = ['#37474f', '#ad1457', '#2e7d32', '#4527a0', '#ef6c00', '#00695c'];

export const FONT = ['Noto Sans Regular'];
export const FONT_BOLD = ['Noto Sans Bold'];
