import { useEffect, useState, type FormEvent } from "react";
import { describe } from "./api";
import { BandwidthSettings } from "./BandwidthSettings";
import { FormEnd, type FormNotice } from "./FormEnd";
import { categoryLabel, t } from "./i18n";
import { RequestSettings } from "./RequestSettings";
import { signOut, useSession } from "./session";
import { useTransport } from "./transport";
import type { ProfilesResponse, QualityProfile } from "./types";


/** A comma-separated text field ↔ a list. */
const listText = (values: string[]) => values.join(", ");
const textList = (text: string) =>
  text
    .split(",")
    .map((w) => w.trim())
    .filter(Boolean);

/** A profile's cutoff ("1080p WEB-DL", "2160p", "": no upgrades) as its two parts, and back. */
export function cutoffParts(cutoff: string): { resolution: string; source: string } {
  const [resolution = "", source = ""] = cutoff.trim().split(/\s+/);
  return { resolution, source };
}
export const cutoffText = (resolution: string, source: string) => (resolution ? [resolution, source].filter(Boolean).join(" ") : "");

/** Who is signed in (the sidecar's sign-in), and the way out. */
export function Account() {
  const { user } = useSession();
  const [leaving, setLeaving] = useState(false);
  if (!user) return null;
  return (
    <section aria-labelledby="account-title">
      <h2 id="account-title">{t("account.title")}</h2>
      <div className="account">
        <p>
          {t("account.signed_in_as", { name: user.name })}
          <br />
          <span className="hint">{t(user.admin ? "account.admin" : "account.user")}</span>
        </p>
        <button
          type="button"
          disabled={leaving}
          onClick={() => {
            setLeaving(true);
            void signOut();
          }}
        >
          {t("account.sign_out")}
        </button>
      </div>
    </section>
  );
}

/** Settings: who is signed in, then (for an administrator) bandwidth, quality profiles and
 * how requests are judged. */
export function SettingsView() {
  const settings = useTransport().features.settings;
  return (
    <>
      <Account />
      {settings && <Profiles />}
      {settings && <RequestSettings />}
    </>
  );
}

/** The quality profile of each category: the same file Home Assistant's options edit. */
function Profiles() {
  const transport = useTransport();
  const [data, setData] = useState<ProfilesResponse | null>(null);
  const [category, setCategory] = useState("movies");
  // Unsaved changes, per category; a category without any shows what is stored.
  const [edits, setEdits] = useState<Record<string, QualityProfile>>({});
  const [notice, setNotice] = useState<FormNotice | null>(null);

  useEffect(() => {
    transport
      .profiles()
      .then(setData)
      .catch((error: unknown) => setNotice({ kind: "error", text: describe(error) }));
  }, [transport]);
  const draft = edits[category] ?? data?.profiles[category] ?? null;
  const cut = cutoffParts(draft?.cutoff ?? "");

  const change = <K extends keyof QualityProfile>(key: K, value: QualityProfile[K]) => {
    if (draft) setEdits((e) => ({ ...e, [category]: { ...draft, [key]: value } }));
  };
  const toggle = (key: "allowed_resolutions" | "blocked_sources", value: string) => {
    if (!draft) return;
    const list = draft[key];
    change(key, list.includes(value) ? list.filter((v) => v !== value) : [...list, value]);
  };

  async function store(method: "POST" | "DELETE", event?: FormEvent) {
    event?.preventDefault();
    try {
      const saved = await transport.saveProfile(category, method === "POST" ? draft : null);
      setData((d) => (d ? { ...d, profiles: { ...d.profiles, [category]: saved } } : d));
      setEdits((e) => Object.fromEntries(Object.entries(e).filter(([name]) => name !== category)));
      setNotice({ kind: "ok", text: t(method === "POST" ? "profile.saved" : "profile.reset") });
    } catch (error) {
      setNotice({ kind: "error", text: describe(error) });
    }
  }

  return (
    <>
    <BandwidthSettings />
    <section aria-labelledby="settings-title">
      <h2 id="settings-title">{t("profile.title")}</h2>
      <p className="hint">{t("profile.hint")}</p>
      <div className="chips" role="group" aria-label={t("search.category")}>
        {Object.keys(data?.profiles ?? {}).map((c) => (
          <button
            key={c}
            type="button"
            className={c === category ? "chip selected" : "chip"}
            aria-pressed={c === category}
            onClick={() => {
              setCategory(c);
              setNotice(null);
            }}
          >
            {categoryLabel(c)}
          </button>
        ))}
      </div>
      {!data && notice && (
        <p className="notice error" role="alert">
          {notice.text}
        </p>
      )}
      {data && draft && (
        <form className="card profile" onSubmit={(e) => void store("POST", e)}>
          <label>
            {t("profile.preferred_resolution")}
            <select value={draft.preferred_resolution} onChange={(e) => change("preferred_resolution", e.target.value)}>
              <option value="">{t("common.none")}</option>
              {data.resolutions.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </label>
          <fieldset>
            <legend>{t("profile.allowed_resolutions")}</legend>
            {data.resolutions.map((r) => (
              <label key={r} className="check">
                <input type="checkbox" checked={draft.allowed_resolutions.includes(r)} onChange={() => toggle("allowed_resolutions", r)} />
                {r}
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>{t("profile.blocked_sources")}</legend>
            {data.sources.map((s) => (
              <label key={s} className="check">
                <input type="checkbox" checked={draft.blocked_sources.includes(s)} onChange={() => toggle("blocked_sources", s)} />
                {s}
              </label>
            ))}
          </fieldset>
          <fieldset className="cutoff">
            <legend>{t("profile.cutoff")}</legend>
            <p className="hint">{t("profile.cutoff_hint")}</p>
            <label>
              {t("profile.cutoff_resolution")}
              <select
                value={cut.resolution}
                onChange={(e) => change("cutoff", cutoffText(e.target.value, cut.source))}
              >
                <option value="">{t("profile.cutoff_none")}</option>
                {data.resolutions.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t("profile.cutoff_source")}
              <select
                value={cut.source}
                disabled={!cut.resolution}
                onChange={(e) => change("cutoff", cutoffText(cut.resolution, e.target.value))}
              >
                <option value="">{t("profile.cutoff_any_source")}</option>
                {data.sources.map((source) => (
                  <option key={source} value={source}>
                    {source}
                  </option>
                ))}
              </select>
            </label>
          </fieldset>
          <label>
            {t(category === "tv" ? "profile.max_size_episode" : "profile.max_size")}
            <input
              type="number"
              min="0"
              step="0.5"
              value={draft.max_size_gb}
              onChange={(e) => change("max_size_gb", Number(e.target.value))}
            />
          </label>
          <label>
            {t(category === "tv" ? "profile.min_size_episode" : "profile.min_size")}
            <input
              type="number"
              min="0"
              step="10"
              value={draft.min_size_mb}
              onChange={(e) => change("min_size_mb", Number(e.target.value))}
            />
          </label>
          <label>
            {t("profile.min_seeders")}
            <input type="number" min="0" value={draft.min_seeders} onChange={(e) => change("min_seeders", Number(e.target.value))} />
          </label>
          <label className="check">
            <input type="checkbox" checked={draft.prefer_hdr} onChange={(e) => change("prefer_hdr", e.target.checked)} />
            {t("profile.prefer_hdr")}
          </label>
          {(
            [
              ["preferred_codecs", "HEVC, AV1"],
              ["preferred_languages", "en, fr"],
              ["required_words", ""],
              ["blocked_words", "3D, HYBRID"],
              ["blocked_groups", ""],
            ] as const
          ).map(([key, example]) => (
            <label key={key}>
              {t(`profile.${key}`)}
              <input
                type="text"
                defaultValue={listText(draft[key])}
                key={`${category}-${listText(draft[key])}`}
                placeholder={example}
                onBlur={(e) => change(key, textList(e.target.value))}
              />
            </label>
          ))}
          <FormEnd notice={notice}>
            <button type="button" onClick={() => void store("DELETE")}>
              {t("profile.defaults")}
            </button>
          </FormEnd>
        </form>
      )}
    </section>
    </>
  );
}
