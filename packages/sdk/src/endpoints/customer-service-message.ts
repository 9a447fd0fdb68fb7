import { defineArea } from '../core/endpoint.js';

// Placeholder: filled in by the issue that implements this area.
export const customerServiceMessage = defineArea('customerServiceMessage', {});
