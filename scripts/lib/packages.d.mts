export const root: string;
export interface PublishablePackage {
  name: string;
  version: string;
  dir: string;
  manifest: Record<string, any>;
}
export function publishablePackages(): PublishablePackage[];
export function hasRequireEntry(manifest: Record<string, any>): boolean;
