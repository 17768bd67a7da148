import { t } from "./i18n";
import { signInProblem } from "./session";

/** The panel with sign-in on, for a browser nobody has signed in on: the way to Home
 * Assistant's own sign-in page (a plain link: the server starts it and comes back here). */
export function SignIn() {
  const problem = signInProblem(window.location.search);
  return (
    <div className="app">
      <header className="top">
        <h1>MediaHub</h1>
      </header>
      <main className="sign-in">
        <section aria-labelledby="sign-in-title">
          <h2 id="sign-in-title">{t("signin.title")}</h2>
          <p>{t("signin.lead")}</p>
          {problem && (
            <p className="notice error" role="alert">
              {t(`signin.${problem}`)}
            </p>
          )}
          <a className="button primary" href="/auth/sign-in">
            {t("signin.button")}
          </a>
        </section>
      </main>
    </div>
  );
}
