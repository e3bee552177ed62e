/** Which region a desk screen shows: the one in the address if it is within the office's jurisdiction, else the office's own. */
import { isKnownRegion, isWithin } from '../../../../shared/domain/regions/regions';

export const regionShown = (asked: string | undefined, own: string): string =>
  asked && isKnownRegion(asked) && isKnownRegion(own) && isWithin(asked, own) ? asked : own;
