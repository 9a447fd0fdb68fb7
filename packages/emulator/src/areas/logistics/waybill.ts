/**
 * The printable waybill getOrder returns (Base64 in `print_html`): an HTML page of 100 × 150 mm
 * labels rendered from the order, with a Code 128 barcode of the waybill id drawn by bwip-js as
 * inline SVG (no canvas, no fonts needed to scan it). print_type 0 = 二联单 (carrier copy +
 * receiver copy), 1 = 一联单.
 */
import bwipjs from 'bwip-js';
import { carrier } from './carriers.js';
import type { Parcel } from './state.js';

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const esc = (v: unknown): string => String(v ?? '').replace(/[&<>"']/g, (c) => ESC[c] as string);

/** A Code 128 barcode of `text` as an SVG element (quiet zones included). */
export function barcodeSvg(text: string, heightMm = 14): string {
  return bwipjs.toSVG({
    bcid: 'code128',
    text,
    scale: 3,
    height: heightMm,
    paddingwidth: 10,
    paddingheight: 4,
    backgroundcolor: 'FFFFFF',
  });
}

function contact(label: string, c: Record<string, any>): string {
  const phone = [c.mobile, c.tel].filter(Boolean).join(' / ');
  const addr = `${c.province ?? ''}${c.city ?? ''}${c.area ?? ''}${c.address ?? ''}`;
  return `<div class="party"><span class="tag">${label}</span><div><div><b>${esc(c.name)}</b> ${esc(phone)}${
    c.company ? ` · ${esc(c.company)}` : ''
  }</div><div>${esc(addr)}</div></div></div>`;
}

function copy(parcel: Parcel, title: string, printedAt: string): string {
  const o = parcel.order;
  if (!o) return '';
  const name = carrier(parcel.delivery_id)?.delivery_name ?? parcel.delivery_id;
  const marks = o.waybill_data.map((d) => `<span>${esc(d.value)}</span>`).join(' ');
  const items = (o.cargo.detail_list ?? [])
    .map((d: Record<string, any>) => `${esc(d.name)} × ${esc(d.count)}`)
    .join('，');
  const insured = o.insured?.use_insured ? `保价 ${(o.insured.insured_value / 100).toFixed(2)} 元` : '未保价';
  return `<section class="label">
<header><span class="carrier">${esc(name)}</span><span class="service">${esc(o.service.service_name)}</span><span class="copy">${esc(title)}</span></header>
<div class="marks">${marks}</div>
<div class="barcode" data-waybill-id="${esc(parcel.waybill_id)}">${barcodeSvg(parcel.waybill_id)}</div>
<div class="waybill-id">运单号 <b>${esc(parcel.waybill_id)}</b> · 订单号 ${esc(o.order_id)}</div>
${contact('收', o.receiver)}
${contact('寄', o.sender)}
<div class="cargo">${esc(o.cargo.count)} 件 · ${esc(o.cargo.weight)} kg · ${esc(o.cargo.space_x)}×${esc(o.cargo.space_y)}×${esc(
    o.cargo.space_z,
  )} cm · ${insured}</div>
<div class="items">托寄物：${items}</div>
${o.custom_remark ? `<div class="remark">备注：${esc(o.custom_remark)}</div>` : ''}
<footer>打印时间 ${esc(printedAt)} · 微信物流助手（模拟器）</footer>
</section>`;
}

/** The waybill HTML of an order: two copies for print_type 0, one for print_type 1. */
export function renderWaybill(parcel: Parcel, printType: 0 | 1, nowSeconds: number): string {
  const printedAt = new Date((nowSeconds + 8 * 3600) * 1000).toISOString().slice(0, 19).replace('T', ' ');
  const copies =
    printType === 1
      ? copy(parcel, '一联单', printedAt)
      : `${copy(parcel, '派件联', printedAt)}\n${copy(parcel, '收件人联', printedAt)}`;
  return `<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(parcel.waybill_id)}</title>
<style>
@page { size: 100mm 150mm; margin: 0 }
body { margin: 0; font: 12px/1.4 "WenQuanYi Micro Hei", "PingFang SC", "Microsoft YaHei", sans-serif; color: #000 }
.label { box-sizing: border-box; width: 100mm; min-height: 150mm; padding: 3mm; border: 1px solid #000; page-break-after: always }
header { display: flex; justify-content: space-between; font-size: 16px; font-weight: bold; border-bottom: 2px solid #000 }
.marks { font-size: 20px; font-weight: bold; padding: 1mm 0; min-height: 6mm }
.barcode svg { display: block; width: 90mm; height: auto; background: #fff }
.party { display: flex; gap: 2mm; border-top: 1px solid #000; padding: 1mm 0 }
.tag { font-size: 18px; font-weight: bold; border: 1px solid #000; padding: 0 1mm; height: fit-content }
.cargo, .items, .remark { border-top: 1px dashed #000; padding: 1mm 0 }
footer { font-size: 10px; color: #444; border-top: 1px solid #000; padding-top: 1mm }
</style></head>
<body>
${copies}
</body></html>
`;
}
