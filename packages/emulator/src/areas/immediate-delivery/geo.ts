/**
 * Coordinates for the rider simulation: BD-09 → GCJ-02, great-circle distance, interpolation and
 * an offset point. Straight lines, no road network: distances are as the crow flies.
 */

export interface Point {
  lng: number;
  lat: number;
}

const EARTH_RADIUS_M = 6_371_000;
const rad = (d: number) => (d * Math.PI) / 180;
const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

/** Baidu BD-09 → GCJ-02 (the published inverse of Baidu's offset). */
export function bd09ToGcj02(p: Point): Point {
  const x = p.lng - 0.0065;
  const y = p.lat - 0.006;
  const z = Math.sqrt(x * x + y * y) - 0.00002 * Math.sin(y * Math.PI * (3000 / 180));
  const theta = Math.atan2(y, x) - 0.000003 * Math.cos(x * Math.PI * (3000 / 180));
  return { lng: round6(z * Math.cos(theta)), lat: round6(z * Math.sin(theta)) };
}

/** A request's point in GCJ-02 (`coordinate_type` 1 = Baidu). */
export function toGcj02(p: Point & { coordinate_type?: number }): Point {
  return p.coordinate_type === 1 ? bd09ToGcj02(p) : { lng: p.lng, lat: p.lat };
}

/** Haversine distance in metres. */
export function distanceM(a: Point, b: Point): number {
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The point a fraction `f` (clamped to 0..1) of the way from `a` to `b`. */
export function lerp(a: Point, b: Point, f: number): Point {
  const t = Math.max(0, Math.min(1, f));
  return { lng: round6(a.lng + (b.lng - a.lng) * t), lat: round6(a.lat + (b.lat - a.lat) * t) };
}

/** The point `metres` away from `p` towards `bearingDeg` (0 = north), on a local flat approximation. */
export function offset(p: Point, metres: number, bearingDeg: number): Point {
  const b = rad(bearingDeg);
  const dLat = (metres * Math.cos(b)) / EARTH_RADIUS_M;
  const dLng = (metres * Math.sin(b)) / (EARTH_RADIUS_M * Math.cos(rad(p.lat)));
  return { lng: round6(p.lng + (dLng * 180) / Math.PI), lat: round6(p.lat + (dLat * 180) / Math.PI) };
}
