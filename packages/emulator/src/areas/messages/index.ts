/**
 * Messaging (PROTOCOL.md §4): customer-service messages with the 48 h / 5-reply window, typing,
 * temporary media, uniform (official-account template) messages, subscribe messages with user
 * acceptance, and subscribe template management. Every message the app sends lands in the
 * recipient's inbox, readable through the admin API.
 */
import type { AreaContext, AreaModule } from '../../context.js';
import { registerAdmin } from './admin.js';
import { registerCustomerService } from './customer-service.js';
import { createKit, type InboxEntry, key } from './state.js';
import { registerSubscribeMessage } from './subscribe-message.js';
import { registerTemplates } from './templates.js';
import { registerUniformMessage } from './uniform-message.js';

export {
  CS_REPLIES_PER_MESSAGE,
  CS_WINDOW,
  DEFAULT_OFFICIAL_ACCOUNT,
  type Grant,
  type InboxEntry,
  type InboxType,
  MAX_PRIVATE_TEMPLATES,
  MEDIA_TTL,
  type PrivateTemplate,
  TYPING_DURATION,
  TYPING_INTERACTION_WINDOW,
} from './state.js';

function register(ctx: AreaContext) {
  const k = createKit(ctx);
  const { st, resolveApp, resolveUser } = k;

  /** Everything the app sent to a user, oldest first. */
  function inbox(input: { openid: string; appid?: string }): InboxEntry[] {
    const app = resolveApp(input?.appid);
    const openid = resolveUser(app, input?.openid);
    return structuredClone(st().inbox[key(app.appid, openid)] ?? []);
  }

  const handle = {
    ...registerCustomerService(ctx, k),
    ...registerUniformMessage(ctx, k),
    ...registerSubscribeMessage(ctx, k),
    ...registerTemplates(ctx, k),
    inbox,
  };
  registerAdmin(ctx, handle);
  return handle;
}

/** The messaging area: customer service, uniform and subscribe messages. */
const messages: AreaModule = { name: 'messages', register };
export default messages;
