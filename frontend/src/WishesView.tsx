import { useEffect, useState } from "react";
import { describe } from "./api";
import { formatWhen } from "./format";
import { categoryLabel, t } from "./i18n";
import { useTransport } from "./transport";
import type { LiveState } from "./useEvents";
import type { Wish } from "./wire.generated";
import {
  askerLabel,
  currentWishes,
  groupWishes,
  happeningText,
  recentHappenings,
  upsertWish,
  wishWhen,
  withoutWish,
  type ReadWishes,
} from "./wishes";

type Notice = { kind: "ok" | "error"; text: string };

/** The household's wishes: shows followed, what is wanted, and what happened. Read once with
 * the `wishes` operation, then kept current by the feed's `wishes` event. */
export function WishesView({ live }: { live: LiveState }) {
  const transport = useTransport();
  const [read, setRead] = useState<ReadWishes | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [busy, setBusy] = useState<number | "watch" | null>(null);
  const seq = live.wishes?.seq ?? 0;

  // Read when the tab opens, and again after the feed came back (it may have missed a change).
  const connected = live.connected;
  useEffect(() => {
    if (!connected) return;
    let current = true;
    const asked = seq;
    transport.wishes().then(
      (list) => {
        if (current) setRead({ list, asked });
      },
      (error: unknown) => {
        if (current) setNotice({ kind: "error", text: describe(error) });
      },
    );
    return () => {
      current = false;
    };
    // `seq` is read when asking, not a reason to ask again: the event itself is newer.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [transport, connected]);

  const wishes = currentWishes(read, live.wishes);

  async function end(wish: Wish, forget: boolean) {
    setBusy(wish.id);
    try {
      const answer = await transport.unwish(wish.id, forget);
      const list = wishes ?? [];
      setRead({ list: forget ? withoutWish(list, wish.id) : upsertWish(list, answer.wish), asked: seq });
      setNotice({ kind: "ok", text: t(forget ? "wishes.forgotten" : "wishes.stopped", { label: wish.label }) });
    } catch (error) {
      setNotice({ kind: "error", text: describe(error) });
    } finally {
      setBusy(null);
    }
  }

  async function watchNow() {
    setBusy("watch");
    try {
      const report = await transport.watchWishes();
      setNotice({ kind: "ok", text: t("wishes.watched", { count: report.grabbed.length }) });
    } catch (error) {
      setNotice({ kind: "error", text: describe(error) });
    } finally {
      setBusy(null);
    }
  }

  const sections = wishes ? groupWishes(wishes) : null;
  const recent = wishes ? recentHappenings(wishes) : [];
  const row = (wish: Wish) => <WishRow key={wish.id} wish={wish} busy={busy === wish.id} onEnd={(forget) => void end(wish, forget)} />;

  return (
    <section aria-labelledby="wishes-title" className="wishes">
      <div className="toolbar">
        <h2 id="wishes-title">{t("wishes.title")}</h2>
        {transport.features.control && wishes && wishes.length > 0 && (
          <button type="button" disabled={busy === "watch"} onClick={() => void watchNow()}>
            {t("wishes.watch_now")}
          </button>
        )}
      </div>
      {notice && (
        <p className={`notice ${notice.kind}`} role={notice.kind === "error" ? "alert" : "status"}>
          {notice.text}
        </p>
      )}
      {wishes === null && !notice && <p className="empty">{t("wishes.loading")}</p>}
      {wishes?.length === 0 && <p className="empty">{t("wishes.empty")}</p>}
      {sections && wishes && wishes.length > 0 && (
        <>
          <h3>{t("wishes.following")}</h3>
          {sections.following.length ? <ul className="wish-list">{sections.following.map(row)}</ul> : <p className="hint">{t("wishes.none_following")}</p>}
          <h3>{t("wishes.wanted")}</h3>
          {sections.wanted.length ? <ul className="wish-list">{sections.wanted.map(row)}</ul> : <p className="hint">{t("wishes.none_wanted")}</p>}
          <h3>{t("wishes.history")}</h3>
          {recent.length > 0 && (
            <ol className="happenings" aria-label={t("wishes.recent")}>
              {recent.map(({ wish, happening }) => (
                <li key={`${wish.id}-${happening.at}-${happening.what}`}>
                  <span className="what">
                    <b>{wish.label}</b> · {happeningText(happening)}
                  </span>
                  {happening.release && <span className="release">{happening.release}</span>}
                  <span className="hint">{formatWhen(happening.at)}</span>
                </li>
              ))}
            </ol>
          )}
          {sections.history.length > 0 && <ul className="wish-list">{sections.history.map(row)}</ul>}
          {!sections.history.length && !recent.length && <p className="hint">{t("wishes.none_history")}</p>}
        </>
      )}
    </section>
  );
}

function WishRow({ wish, busy, onEnd }: { wish: Wish; busy: boolean; onEnd: (forget: boolean) => void }) {
  const open = wish.state === "wanted" || wish.state === "grabbed";
  const when = wishWhen(wish);
  return (
    <li className="card wish" data-state={wish.state}>
      <p className="title">{wish.label}</p>
      <p className="meta">
        <span className="tag">{t(`wish_kind.${wish.kind}`)}</span>
        <span className={`tag state-${wish.state}`}>
          {wish.kind === "follow" && open ? t("wish_state.following") : t(`wish_state.${wish.state}`)}
        </span>
        <span>{categoryLabel(wish.category)}</span>
        <span>{t("wishes.asked_by", { who: askerLabel(wish.asked_by) })}</span>
        {wish.current && <span>{t("wishes.current", { quality: wish.current })}</span>}
        {when && <span>{when}</span>}
      </p>
      {wish.history.length > 0 && (
        <details>
          <summary>{t("wishes.details", { count: wish.history.length })}</summary>
          <ol className="happenings">
            {[...wish.history].reverse().map((h, index) => (
              <li key={`${h.at}-${index}`}>
                <span className="what">
                  {h.item && h.item !== "movie" ? `${h.item} · ` : ""}
                  {happeningText(h)}
                </span>
                {h.release && <span className="release">{h.release}</span>}
                <span className="hint">{formatWhen(h.at)}</span>
              </li>
            ))}
          </ol>
        </details>
      )}
      <div className="actions">
        {open ? (
          <button type="button" className="danger" disabled={busy} onClick={() => onEnd(false)} aria-label={t("wishes.stop_label", { label: wish.label })}>
            {t("wishes.stop")}
          </button>
        ) : (
          <button type="button" disabled={busy} onClick={() => onEnd(true)} aria-label={t("wishes.forget_label", { label: wish.label })}>
            {t("wishes.forget")}
          </button>
        )}
      </div>
    </li>
  );
}
