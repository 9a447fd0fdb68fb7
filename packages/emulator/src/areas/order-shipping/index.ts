/**
 * Shipping-information management (发货信息管理, PROTOCOL.md §17): trade-managed apps, payments that
 * become orders after an ingest delay, the §17.6 state machine with re-shipping once, the buyer's
 * confirm-receipt, settlement on the virtual clock, and the trade_manage_* pushes at their moments.
 * @see https://developers.weixin.qq.com/miniprogram/dev/platform-capabilities/business-capabilities/order-shipping/order-shipping.html
 */
import { adminApp, adminInput } from '../../admin/input.js';
import type { AreaContext, AreaModule, EmuApp } from '../../context.js';
import { PushQueue, everyTick } from '../../ticker.js';
import { shippingAdmin } from './admin.js';
import { OrderBook } from './orders.js';
import { registerShippingRoutes } from './routes.js';
import { type ShippingSlice, initialSlice } from './state.js';

const orderShipping: AreaModule = {
  name: 'orderShipping',
  register(ctx: AreaContext) {
    const st = () => ctx.slice<ShippingSlice>('orderShipping', initialSlice);
    const queue = new PushQueue(ctx);
    const book = new OrderBook(ctx, st, queue);
    everyTick(ctx, () => book.tick(ctx.clock.now()));
    registerShippingRoutes({ ctx, st, book });

    const resolveApp = (appid?: string): EmuApp => adminApp(ctx, appid);
    const handle = {
      ...shippingAdmin(ctx, st, book, resolveApp),
      /** Runs due transitions now and resolves when their pushes were delivered (tests, demos). */
      async flush(): Promise<void> {
        book.tick(ctx.clock.now());
        await queue.idle();
      },
    };

    const q = adminInput;
    const P = 'order-shipping';
    ctx.admin({ method: 'GET', path: `${P}/orders`, handler: (r) => handle.orders(r.query) });
    ctx.admin({
      method: 'GET',
      path: `${P}/orders/:transaction_id`,
      handler: (r) => handle.order({ ...r.query, ...r.params }),
    });
    for (const [path, op] of [
      ['confirm-receipt', handle.confirmReceipt],
      ['settle', handle.settle],
      ['refund', handle.refund],
      ['complaint', handle.setComplaint],
    ] as const) {
      ctx.admin({
        method: 'POST',
        path: `${P}/orders/:transaction_id/${path}`,
        handler: (r) => op({ ...q(r), transaction_id: r.params.transaction_id }),
      });
    }
    ctx.admin({ method: 'GET', path: `${P}/app`, handler: (r) => handle.getApp(r.query) });
    ctx.admin({ method: 'POST', path: `${P}/app`, handler: (r) => handle.setApp(q(r)) });
    ctx.admin({ method: 'POST', path: `${P}/remind-access-api`, handler: (r) => handle.remindAccessApi(q(r)) });
    ctx.admin({ method: 'GET', path: `${P}/settings`, handler: () => handle.settings() });
    ctx.admin({ method: 'POST', path: `${P}/settings`, handler: (r) => handle.configure(q(r)) });
    ctx.admin({ method: 'POST', path: `${P}/flush`, handler: () => handle.flush() });
    return handle;
  },
};

export default orderShipping;
