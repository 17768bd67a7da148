import { useEffect, useState, type FormEvent } from "react";
import { describe } from "./api";
import { FormEnd, type FormNotice } from "./FormEnd";
import { categoryLabel, t } from "./i18n";
import { draftRules, REQUEST_CATEGORIES, rulesDraft, type QuotaRow, type RuleRow, type RulesDraft } from "./requests";
import { useTransport } from "./transport";

/** How requests (wishes of people who do not administer MediaHub) are judged: the weekly
 * quota, each person's own, and whose requests are approved as they are made. */
export function RequestSettings() {
  const transport = useTransport();
  const [draft, setDraft] = useState<RulesDraft | null>(null);
  const [notice, setNotice] = useState<FormNotice | null>(null);

  useEffect(() => {
    transport
      .requestRules()
      .then((rules) => setDraft(rulesDraft(rules)))
      .catch((error: unknown) => setNotice({ kind: "error", text: describe(error) }));
  }, [transport]);

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!draft) return;
    try {
      setDraft(rulesDraft(await transport.saveRequestRules(draftRules(draft))));
      setNotice({ kind: "ok", text: t("request_rules.saved") });
    } catch (error) {
      setNotice({ kind: "error", text: describe(error) });
    }
  }

  const setQuota = (index: number, changes: Partial<QuotaRow>) =>
    setDraft((d) => d && { ...d, quotas: d.quotas.map((row, i) => (i === index ? { ...row, ...changes } : row)) });
  const setRule = (index: number, changes: Partial<RuleRow>) =>
    setDraft((d) => d && { ...d, auto_approve: d.auto_approve.map((row, i) => (i === index ? { ...row, ...changes } : row)) });

  return (
    <section aria-labelledby="request-rules-title">
      <h2 id="request-rules-title">{t("request_rules.title")}</h2>
      <p className="hint">{t("request_rules.hint")}</p>
      {!draft && notice && (
        <p className="notice error" role="alert">
          {notice.text}
        </p>
      )}
      {draft && (
        <form className="card profile request-rules" onSubmit={(e) => void save(e)}>
          <label>
            {t("request_rules.weekly_quota")}
            <input
              type="number"
              min="0"
              max="100"
              inputMode="numeric"
              value={draft.weekly_quota}
              onChange={(e) => setDraft({ ...draft, weekly_quota: Number(e.target.value) })}
            />
          </label>
          <fieldset>
            <legend>{t("request_rules.quotas")}</legend>
            <p className="hint">{t("request_rules.quotas_hint")}</p>
            {draft.quotas.map((row, index) => (
              <div className="rule-row" key={index}>
                <input
                  type="text"
                  aria-label={t("request_rules.person")}
                  placeholder={t("request_rules.person")}
                  value={row.person}
                  maxLength={100}
                  onChange={(e) => setQuota(index, { person: e.target.value })}
                />
                <input
                  type="number"
                  className="quota"
                  min="0"
                  max="100"
                  inputMode="numeric"
                  aria-label={t("request_rules.quota_of", { person: row.person || t("request_rules.person") })}
                  value={row.quota}
                  onChange={(e) => setQuota(index, { quota: Number(e.target.value) })}
                />
                <button
                  type="button"
                  className="remove"
                  aria-label={t("request_rules.remove_quota", { person: row.person || t("request_rules.person") })}
                  onClick={() => setDraft({ ...draft, quotas: draft.quotas.filter((_, i) => i !== index) })}
                >
                  ×
                </button>
              </div>
            ))}
            <button type="button" onClick={() => setDraft({ ...draft, quotas: [...draft.quotas, { person: "", quota: draft.weekly_quota }] })}>
              {t("request_rules.add_quota")}
            </button>
          </fieldset>
          <fieldset>
            <legend>{t("request_rules.auto_approve")}</legend>
            <p className="hint">{t("request_rules.auto_approve_hint")}</p>
            {draft.auto_approve.map((row, index) => (
              <div className="rule-row rule" key={index}>
                <input
                  type="text"
                  aria-label={t("request_rules.rule_person")}
                  placeholder={t("request_rules.anyone")}
                  value={row.person}
                  maxLength={100}
                  onChange={(e) => setRule(index, { person: e.target.value })}
                />
                <select
                  aria-label={t("request_rules.rule_category")}
                  value={row.category}
                  onChange={(e) => setRule(index, { category: e.target.value })}
                >
                  <option value="">{t("request_rules.any_category")}</option>
                  {REQUEST_CATEGORIES.map((c) => (
                    <option key={c} value={c}>
                      {categoryLabel(c)}
                    </option>
                  ))}
                </select>
                <button
                  type="button"
                  className="remove"
                  aria-label={t("request_rules.remove_rule", {
                    person: row.person || t("request_rules.anyone"),
                    category: row.category ? categoryLabel(row.category) : t("request_rules.any_category"),
                  })}
                  onClick={() => setDraft({ ...draft, auto_approve: draft.auto_approve.filter((_, i) => i !== index) })}
                >
                  ×
                </button>
              </div>
            ))}
            <button type="button" onClick={() => setDraft({ ...draft, auto_approve: [...draft.auto_approve, { person: "", category: "" }] })}>
              {t("request_rules.add_rule")}
            </button>
          </fieldset>
          <FormEnd notice={notice} />
        </form>
      )}
    </section>
  );
}
