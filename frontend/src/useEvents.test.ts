// A magnet refused by its file check after its metadata came is said in the user's language,
// naming the release and the file that decided it.
import { afterEach, describe, expect, it } from "vitest";
import { loadLanguage } from "./i18n";
import { refusedNotice } from "./useEvents";

afterEach(() => loadLanguage("en"));

const program = {
  name: "Harbour.Lights.2021.1080p",
  reason: "contains player.exe.",
  code: "release_refused",
  file: "player.exe.",
};

describe("the notice of a refused release", () => {
  it("is in German for a German user, with the release and the program named", async () => {
    await loadLanguage("de");
    const text = refusedNotice(program);
    expect(text).toContain("abgelehnt");
    expect(text).toContain("Programm");
    expect(text).toContain("Harbour.Lights.2021.1080p");
    expect(text).toContain("(player.exe.)");
    expect(text).not.toContain("contains");
  });

  it("says each refusal's own rule, not the executable's", async () => {
    await loadLanguage("de");
    const archive = refusedNotice({ ...program, reason: "packed in movie.rar", code: "release_refused_archive", file: "movie.rar" });
    expect(archive).toContain("Archiv");
    expect(archive).toContain("(movie.rar)");
    expect(archive).not.toBe(refusedNotice(program));
  });

  it("falls back to the engine's words for a code this build does not know, or none", async () => {
    await loadLanguage("de");
    for (const older of [{ ...program, code: "release_refused_newer_rule" }, { name: program.name, reason: program.reason }]) {
      const text = refusedNotice(older);
      expect(text).toContain("abgelehnt");
      expect(text).toContain("contains player.exe.");
    }
  });
});
