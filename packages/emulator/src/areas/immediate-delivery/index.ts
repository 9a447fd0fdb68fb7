/**
 * Immediate delivery (即时配送, PROTOCOL §8): the 14 merchant endpoints, carriers TEST / SFTC /
 * DADA / MTPS / SS / UU with accounts and `delivery_sign`, quotes from coordinates, the status
 * machine with tips and cancellation rules, simulated riders on the virtual clock, and an
 * `update_waybill_status` push for every status change. The handle is `emu.delivery`.
 * @see https://developers.weixin.qq.com/miniprogram/dev/server/API/immediate-delivery/deliver-by-business/api_addlocalorder.html
 */
import type { AreaContext, AreaModule } from '../../context.js';
import { everyTick } from '../../ticker.js';
import { deliveryAdmin } from './admin.js';
import { DeliveryEngine } from './engine.js';
import { registerRoutes } from './routes.js';

/** Real-time interval at which due rider steps are taken while the clock runs. */
const TICK_MS = 250;

const immediateDelivery: AreaModule = {
  name: 'delivery',
  register(ctx: AreaContext) {
    const engine = new DeliveryEngine(ctx);
    registerRoutes(ctx, engine);
    everyTick(ctx, () => engine.tick(), TICK_MS);
    ctx.onClose?.(() => engine.drain());
    return deliveryAdmin(ctx, engine);
  },
};

export default immediateDelivery;
