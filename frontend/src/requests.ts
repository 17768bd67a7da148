// The request rules as the Settings tab edits them: each person's quota and each auto-approve
// rule as a row of a form, and back to the rules `set_request_rules` takes.

import type { RequestRules } from "./wire.generated";

/** The categories a request may be of (hub/commands.py `set_request_rules`). */
export const REQUEST_CATEGORIES = ["movies", "tv"] as const;

export interface QuotaRow {
  person: string;
  quota: number;
}

export interface RuleRow {
  /** A person's name; "" is anyone. */
  person: string;
  /** A category; "" is any. */
  category: string;
}

export interface RulesDraft {
  weekly_quota: number;
  quotas: QuotaRow[];
  auto_approve: RuleRow[];
}

export function rulesDraft(rules: RequestRules): RulesDraft {
  return {
    weekly_quota: rules.weekly_quota,
    quotas: Object.entries(rules.quotas).map(([person, quota]) => ({ person, quota })),
    auto_approve: rules.auto_approve.map((rule) => ({ person: rule.user ?? "", category: rule.category ?? "" })),
  };
}

const quota = (n: number) => (Number.isFinite(n) ? Math.min(100, Math.max(0, Math.round(n))) : 0);

/** The rules a draft says: rows without a person dropped from the quotas (a later row for the
 * same person wins), the same rule kept once, quotas within 0–100. */
export function draftRules(draft: RulesDraft): RequestRules {
  const quotas: Record<string, number> = {};
  for (const row of draft.quotas) {
    const person = row.person.trim();
    if (person) quotas[person] = quota(row.quota);
  }
  const seen = new Set<string>();
  const auto_approve: RequestRules["auto_approve"] = [];
  for (const row of draft.auto_approve) {
    const user = row.person.trim() || null;
    const category = row.category || null;
    const key = `${user ?? ""}|${category ?? ""}`;
    if (seen.has(key)) continue;
    seen.add(key);
    auto_approve.push({ user, category });
  }
  return { weekly_quota: quota(draft.weekly_quota), quotas, auto_approve };
}
