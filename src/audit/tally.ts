// What one audit run has gathered so far: the findings, the policies with no impact, and what
// it has seen of each user over every finding (the totals and the Temporary Access Pass findings
// are made from these marks).
import type { ConditionalAccessPolicy } from '@microsoft/microsoft-graph-types';
import type { AuditModel, AuditTrace, TapGap } from './model';
import type { AuditFinding, AuditReport } from './report';

/** Why a TAP does not get a user through: they cannot have one, or only a one-time pass is issued where a multi-use one is needed. */
export type TapObstacle = TapGap | 'one-time-only';

/** What the whole audit has seen of each user, over every finding (index = user). */
export class AuditTally {
  /** Enforced findings: users blocked by at least one, users who need a TAP for at least one. */
  readonly blockedAny: Uint8Array;
  readonly needTapAny: Uint8Array;
  /** Users a TAP would get through an enforced policy (whether or not they can have one). */
  readonly tapWouldHelp: Uint8Array;
  /** Policy names behind tapWouldHelp, for the TAP findings' evidence. */
  readonly tapPolicies = new Set<string>();
  /** Users blocked because the TAP policy issues only one-time passes and the grant takes only multi-use ones. */
  readonly tapKindBlocked: Uint8Array;
  /** Enforced policies whose TAP-needing users could not have one, by reason. */
  private readonly gapPolicyNames = new Map<TapObstacle, Set<string>>();
  /**
   * Split-design mobile policies (the seed's correct design): users who need a TAP there and
   * cannot have one, by policy id. They are counted as needing a TAP in that policy's finding and
   * as blocked by the TAP findings ("Guests cannot get a Temporary Access Pass", ...), not twice.
   */
  readonly splitTapGaps = new Map<string, number>();

  constructor(readonly n: number) {
    this.blockedAny = new Uint8Array(n);
    this.needTapAny = new Uint8Array(n);
    this.tapWouldHelp = new Uint8Array(n);
    this.tapKindBlocked = new Uint8Array(n);
  }

  gapPolicies(gap: TapObstacle): Set<string> {
    let set = this.gapPolicyNames.get(gap);
    if (!set) this.gapPolicyNames.set(gap, (set = new Set()));
    return set;
  }
}

export interface AuditRun {
  readonly m: AuditModel;
  readonly tally: AuditTally;
  readonly trace?: AuditTrace;
  readonly findings: AuditFinding[];
  readonly noImpact: AuditReport['noImpact'];
  /** Enabled and report-only policies on the Register security information user action (filled on first use). */
  rsi?: ConditionalAccessPolicy[];
}
