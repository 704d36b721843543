// APP-6 / MIL-STD-2525 symbols for forces and installations, drawn by milsymbol: the frame
// says the affiliation (the operator relative to the selected organization), the icon the kind
// of installation or the arm of a force, the mark above the frame a force's echelon. Features
// with no known start get a dashed frame ("dates unknown"). Letter-based SIDCs (2525C/APP-6B).

/** Function IDs (SIDC positions 5–10) of installations by kind; the last entry is the default. */
const INSTALLATION_FUNCTIONS = [
  [/air/, 'IBA---'], // air base
  [/naval-base|port/, 'IBN---'], // naval base
  [/communication|radar|signal/, 'IUT---'], // telecommunications
  [/space|test|research/, 'IUR---'], // research facility
  [/./, 'IB----'], // base
];

/** Function IDs of forces by kind. */
const FORCE_FUNCTIONS = [
  [/air-group|aviation|air-wing/, 'UCVF--'], // fixed-wing aviation
  [/airborne|air-assault/, 'UCIA--'], // airborne infantry
  [/./, 'UCI---'], // infantry
];

/** Echelon letters (SIDC position 12) by force kind. */
const ECHELONS = [
  [/battalion/, 'F'], [/regiment/, 'G'], [/brigade/, 'H'], [/division/, 'I'], [/corps/, 'J'], [/army/, 'K'],
];

const first = (table, text) => table.find(([re]) => re.test(text))?.[1];

/** Affiliation letters: friend, neutral, unknown (nobody is drawn as hostile). */
export const AFFILIATIONS = {
  friend: { letter: 'F', label: 'Operated by a member of the selected organization' },
  neutral: { letter: 'N', label: 'Operated by a state outside it' },
  unknown: { letter: 'U', label: 'Operator not known' },
};

/**
 * The affiliation of a feature operated by `operator` (an ISO3 code or a grouping id) when
 * `org` is selected and `members` (ISO3) belong to it at the date.
 */
export function affiliationOf(operator, org, members) {
  if (!operator) return 'unknown';
  if (operator.toLowerCase() === org.toLowerCase() || members.includes(operator)) return 'friend';
  return /^[A-Z]{3}$/.test(operator) ? 'neutral' : 'unknown';
}

/** The 15-character SIDC of a force or installation. */
export function sidcFor(collection, props, affiliation) {
  const kind = `${props.kind || ''} ${props.name || ''}`.toLowerCase();
  const aff = (AFFILIATIONS[affiliation] || AFFILIATIONS.unknown).letter;
  const status = props._undated ? 'A' : 'P'; // a dashed frame for unknown dates
  if (collection === 'installations') {
    if (/head|staff|command|secretariat/.test(kind)) return `S${aff}G${status}UH----A----`;
    return `S${aff}G${status}${first(INSTALLATION_FUNCTIONS, kind)}H----`;
  }
  const echelon = first(ECHELONS, kind) || '-';
  return `S${aff}G${status}${first(FORCE_FUNCTIONS, kind)}-${echelon}---`;
}

let library = null;
/** Loads milsymbol (a classic script that sets `window.ms`), once. */
export function loadMilsymbol(src) {
  library ||= new Promise((resolve, reject) => {
    if (window.ms) { resolve(window.ms); return; }
    const s = document.createElement('script');
    s.src = src;
    s.onload = () => (window.ms ? resolve(window.ms) : reject(new Error('milsymbol did not load')));
    s.onerror = () => reject(new Error('milsymbol did not load'));
    document.head.append(s);
  });
  return library;
}

/**
 * A canvas with the symbol of `sidc` drawn so that its anchor (the frame's centre) is the
 * canvas centre, as the map draws icons around their centre.
 */
export function symbolCanvas(ms, sidc, size = 22, ratio = 2) {
  const sym = new ms.Symbol(sidc, { size: size * ratio, outlineWidth: 3 * ratio, outlineColor: '#ffffff' });
  const drawn = sym.asCanvas();
  const a = sym.getAnchor();
  const halfW = Math.ceil(Math.max(a.x, drawn.width - a.x));
  const halfH = Math.ceil(Math.max(a.y, drawn.height - a.y));
  const out = document.createElement('canvas');
  out.width = halfW * 2;
  out.height = halfH * 2;
  out.getContext('2d').drawImage(drawn, halfW - a.x, halfH - a.y);
  return out;
}

/** Adds the map image `ms-<sidc>` for every SIDC not yet added. */
export function addSymbolImages(map, ms, sidcs, ratio = 2) {
  for (const sidc of sidcs) {
    const name = `ms-${sidc}`;
    if (map.hasImage(name)) continue;
    const canvas = symbolCanvas(ms, sidc, 17, ratio);
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    map.addImage(name, { width: canvas.width, height: canvas.height, data: data.data }, { pixelRatio: ratio });
  }
}
