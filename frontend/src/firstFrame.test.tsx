// @vitest-environment happy-dom
// React's first render of the sidecar's app for states the server drew a first frame of
// (tests/panel/test_first_frame.py writes the cases, runs this, and compares the markup with
// sidecar/first_frame.py's). Only run from that test: it needs the Python side's cases.
import { readFileSync, writeFileSync } from "node:fs";
import { renderToString } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import type { EventStream } from "./eventStream";
import { loadLanguage, type Language } from "./i18n";
import { appTree, type FirstFrame } from "./mount";

interface Case {
  name: string;
  data: FirstFrame;
}

let early: EventStream | null = null;
vi.mock("./eventStream", async (original) => ({ ...(await original<typeof import("./eventStream")>()), earlyStream: () => early }));

const CASES = process.env.MEDIAHUB_FIRST_FRAME_CASES;
const OUT = process.env.MEDIAHUB_FIRST_FRAME_OUT;

describe.skipIf(!CASES || !OUT)("the first frame", () => {
  it("is what React renders first for each state", async () => {
    const cases = JSON.parse(readFileSync(CASES ?? "", "utf8")) as Case[];
    const rendered: Record<string, string> = {};
    for (const { name, data } of cases) {
      // As main.tsx starts: the page's state is the early stream's first message.
      early = { backlog: [{ name: "snapshot", data: data.state }], listen: () => undefined, close: () => undefined };
      await loadLanguage(data.language as Language);
      rendered[name] = renderToString(appTree(data.session, data));
    }
    writeFileSync(OUT ?? "", JSON.stringify(rendered));
    expect(Object.keys(rendered)).toHaveLength(cases.length);
  });
});
