import { useEffect, useState, type FormEvent } from "react";
import { describe } from "./api";
import { formatWhen } from "./format";
import { categoryLabel, t } from "./i18n";
import { useTransport, type Viewer } from "./transport";
import type { LiveState } from "./useEvents";
import type { Wish } from "./wire.generated";
import {
  askerLabel,
  askersText,
  currentWishes,
  declinedText,
  groupWishes,
  happeningText,
  mayDecide,
  mayEnd,
  recentHappenings,
  upsertWish,
  wishWhen,
  withoutWish,
  type ReadWishes,
} from "./wishes";

type Notice = { kind: "ok" | "error"; text: string };

/** The household's wishes: requests waiting for approval, shows followed, what is wanted, and
 * what happened. Read once with the `wishes` operation, then kept current by the feed's
 * `wishes` event. */
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

  /** Approve a request, or decline it (`reason`: why, or null). */
  async function decide(wish: Wish, decision: { approve: true } | { approve: false; reason: string | null }) {
    setBusy(wish.id);
    try {
      const answer = decision.approve ? await transport.approve(wish.id) : await transport.decline(wish.id, decision.reason);
      setRead({ list: upsertWish(wishes ?? [], answer.wish), asked: seq });
      setNotice({ kind: "ok", text: t(decision.approve ? "requests.approved" : "requests.declined", { label: wish.label }) });
      return true;
    } catch (error) {
      setNotice({ kind: "error", text: describe(error) });
      return false;
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
  const viewer = transport.viewer;
  const row = (wish: Wish) => (
    <WishRow key={wish.id} wish={wish} viewer={viewer} busy={busy === wish.id} onEnd={(forget) => void end(wish, forget)} />
  );

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
          {sections.waiting.length > 0 && (
            <section aria-labelledby="requests-title" className="requests">
              <h3 id="requests-title">{t("requests.title")}</h3>
              <p className="hint">{t(viewer.admin ? "requests.hint_admin" : "requests.hint_user")}</p>
              <ul className="wish-list">
                {sections.waiting.map((wish) => (
                  <RequestRow
                    key={wish.id}
                    wish={wish}
                    viewer={viewer}
                    busy={busy === wish.id}
                    onDecide={(decision) => decide(wish, decision)}
                    onEnd={() => void end(wish, false)}
                  />
                ))}
              </ul>
            </section>
          )}
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

type Decision = { approve: true } | { approve: false; reason: string | null };

/** A request waiting for an administrator: Approve and Decline (why, asked inline) for one;
 * for the person who asked, that it waits, and the way to withdraw it. */
function RequestRow({
  wish,
  viewer,
  busy,
  onDecide,
  onEnd,
}: {
  wish: Wish;
  viewer: Viewer;
  busy: boolean;
  onDecide: (decision: Decision) => Promise<boolean>;
  onEnd: () => void;
}) {
  const [declining, setDeclining] = useState(false);
  const [reason, setReason] = useState("");
  const decides = mayDecide(wish, viewer);

  async function decline(event: FormEvent) {
    event.preventDefault();
    const why = reason.trim();
    if (await onDecide({ approve: false, reason: why || null })) setDeclining(false);
  }

  return (
    <li className="card wish request" data-state={wish.state}>
      <p className="title">{wish.label}</p>
      <p className="meta">
        <span className="tag">{t(`wish_kind.${wish.kind}`)}</span>
        <span className="tag state-waiting">{t("wish_state.waiting")}</span>
        <span>{categoryLabel(wish.category)}</span>
        <span className="askers">{t("wishes.asked_by", { who: askersText(wish) })}</span>
        <span>{formatWhen(wish.created_at)}</span>
      </p>
      {decides && !declining && (
        <div className="actions">
          <button
            type="button"
            className="primary"
            disabled={busy}
            onClick={() => void onDecide({ approve: true })}
            aria-label={t("requests.approve_label", { label: wish.label })}
          >
            {t("requests.approve")}
          </button>
          <button
            type="button"
            className="danger"
            disabled={busy}
            onClick={() => setDeclining(true)}
            aria-label={t("requests.decline_label", { label: wish.label })}
          >
            {t("requests.decline")}
          </button>
        </div>
      )}
      {decides && declining && (
        <form className="decline" onSubmit={(e) => void decline(e)} aria-label={t("requests.decline_label", { label: wish.label })}>
          <label>
            {t("requests.reason")}
            <input
              type="text"
              value={reason}
              maxLength={300}
              enterKeyHint="send"
              placeholder={t("requests.reason_example")}
              // Opened by a tap on Decline: the reason is what comes next.
              autoFocus
              onChange={(e) => setReason(e.target.value)}
            />
          </label>
          <div className="actions">
            <button type="submit" className="danger" disabled={busy}>
              {t("requests.decline_confirm")}
            </button>
            <button type="button" disabled={busy} onClick={() => setDeclining(false)}>
              {t("common.cancel")}
            </button>
          </div>
        </form>
      )}
      {!decides && mayEnd(wish, viewer) && (
        <div className="actions">
          <button type="button" className="danger" disabled={busy} onClick={onEnd} aria-label={t("requests.withdraw_label", { label: wish.label })}>
            {t("requests.withdraw")}
          </button>
        </div>
      )}
    </li>
  );
}

function WishRow({ wish, viewer, busy, onEnd }: { wish: Wish; viewer: Viewer; busy: boolean; onEnd: (forget: boolean) => void }) {
  const open = wish.state === "wanted" || wish.state === "grabbed";
  const when = wishWhen(wish);
  const declined = declinedText(wish);
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
      {declined && <p className="why">{declined}</p>}
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
      {mayEnd(wish, viewer) && (
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
      )}
    </li>
  );
}
