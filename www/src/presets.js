// The presets bundled with the page (www/presets), by file name.
import indexJson from '../presets/index.json';

const texts = import.meta.glob('../presets/*.json', { query: '?raw', import: 'default', eager: true });

export const presets = indexJson.presets;
export const childPreset = indexJson.child.file;
export const presetText = (file) => texts[`../presets/${file}`];
