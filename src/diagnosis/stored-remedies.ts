// Remedies stored in words by a version before remedies were data: read in today's shape, their
// sentences kept as stored text, shown as written. The ticket store reads a ticket's check and
// diagnosis through it; cards/remedy-words.ts reads any other remedy (a conversation's last
// diagnosis) the same way. Pure.

/**
 * Remedies as a version before remedies were data stored them (a ticket's check or diagnosis
 * written before the change): `why` and `detail.applied` become a `stored-text` change, each
 * remaining blocker's `reasons` (and `notApplicable.reason`) `stored-text` causes, shown as they
 * were written. Remedies already in today's shape are returned as they are (the same array).
 */
export function upgradeStoredRemedies<R>(remedies: R[]): R[] {
  const out = remedies.map((raw) => {
    const r = raw as {
      why?: string;
      remaining?: string[];
      detail?: {
        applied?: string;
        change?: unknown;
        notApplicable?: { code: string; reason?: string; cause?: unknown };
        resolved?: unknown[];
        resolvedCodes?: unknown[];
        remaining?: { code: string; policies?: unknown[]; reasons?: string[]; causes?: unknown[] }[];
      };
    };
    if (r.detail?.change !== undefined || typeof r.why !== 'string') return raw;
    const { why, ...rest } = r;
    const { applied, notApplicable, ...detail } = r.detail ?? {};
    const stored = (text: string) => ({ kind: 'stored-text', text });
    type StoredBlocker = { code: string; policies?: unknown[]; reasons?: string[] };
    const remaining: StoredBlocker[] = r.detail?.remaining ?? (r.remaining ?? []).map((code) => ({ code }));
    return {
      ...rest,
      detail: {
        resolved: [],
        resolvedCodes: [],
        ...detail,
        change: { kind: 'stored-text', applied: applied ?? '', why },
        ...(notApplicable ? { notApplicable: { code: notApplicable.code, cause: stored(notApplicable.reason ?? '') } } : {}),
        remaining: remaining.map(({ reasons, ...b }) => ({ ...b, policies: b.policies ?? [], causes: (reasons ?? []).map(stored) })),
      },
    } as R;
  });
  return out.every((r, i) => r === remedies[i]) ? remedies : out;
}
