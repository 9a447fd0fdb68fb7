/**
 * Logistics (PROTOCOL §9): the logistics assistant (物流助手) — carriers, accounts, printers,
 * orders with printable waybills, paths and the sandbox — and the logistics service (物流服务) —
 * tracking tokens and returns. Parcels move on the virtual clock and every new node is pushed as
 * `add_express_path`; account reviews end with `update_business_bind_result`.
 * @see https://developers.weixin.qq.com/miniprogram/dev/platform-capabilities/industry/express/business/introduction.html
 */
import type { AreaContext, AreaModule } from '../../context.js';
import { PushQueue, everyTick } from '../../ticker.js';
import { Accounts } from './accounts.js';
import { logisticsAdmin } from './admin.js';
import { Journeys } from './journey.js';
import { Parcels } from './parcels.js';
import { assistantRoutes } from './routes.js';
import { serviceRoutes } from './service.js';
import { type LogisticsSlice, newSlice } from './state.js';

const logistics: AreaModule = {
  name: 'logistics',
  register(ctx: AreaContext) {
    const st = () => ctx.slice<LogisticsSlice>('logistics', newSlice);
    const journeys = new Journeys(ctx, st, new PushQueue(ctx));
    const parcels = new Parcels(ctx, st);
    const accounts = new Accounts(ctx, st, journeys);
    assistantRoutes(ctx, parcels, accounts, journeys);
    serviceRoutes(ctx, parcels);
    const handle = logisticsAdmin(ctx, parcels, accounts, journeys);
    // The virtual clock can jump at any moment (admin, tests): poll it for due nodes and reviews.
    everyTick(ctx, () => handle.tick(), 200);
    ctx.onClose?.(() => journeys.idle());
    return handle;
  },
};

export default logistics;
