/**
 * The 演练 badge: wherever an exercise is shown (the board, the incident page, the unit's list),
 * so nobody at a desk mistakes a drill for an emergency. Text, not colour alone.
 */
import { t } from '../i18n/i18n';

export const DrillBadge = (props: { readonly drillId?: string | undefined }) =>
  props.drillId ? (
    <strong class="drill-badge" title={props.drillId}>
      {t('drill.badge')}
    </strong>
  ) : null;
