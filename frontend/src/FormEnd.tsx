import type { ReactNode } from "react";
import { t } from "./i18n";

export interface FormNotice {
  kind: "ok" | "error";
  text: string;
}

/** The end of a settings form: what the last save said, Save, and any other buttons. */
export function FormEnd({ notice, children }: { notice: FormNotice | null; children?: ReactNode }) {
  return (
    <>
      {notice && (
        <p className={`notice ${notice.kind}`} role={notice.kind === "error" ? "alert" : "status"}>
          {notice.text}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary">
          {t("common.save")}
        </button>
        {children}
      </div>
    </>
  );
}
