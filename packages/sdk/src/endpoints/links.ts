import { defineArea } from '../core/endpoint.js';

// Placeholder: filled in by the issue that implements this area.
export const urlscheme = defineArea('urlscheme', {});
export const urllink = defineArea('urllink', {});
export const shortlink = defineArea('shortlink', {});
