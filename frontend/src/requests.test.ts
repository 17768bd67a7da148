// The request rules as the Settings form edits them, and back.
import { describe, expect, it } from "vitest";
import { draftRules, rulesDraft } from "./requests";

describe("the request rules' form", () => {
  const rules = {
    weekly_quota: 5,
    quotas: { Bob: 2, Cleo: 0 },
    auto_approve: [
      { user: "Bob", category: "movies" },
      { user: null, category: "tv" },
      { user: null, category: null },
    ],
  };

  it("is a row per quota and per rule, and says the same rules back", () => {
    const draft = rulesDraft(rules);
    expect(draft.quotas).toEqual([
      { person: "Bob", quota: 2 },
      { person: "Cleo", quota: 0 },
    ]);
    expect(draft.auto_approve).toEqual([
      { person: "Bob", category: "movies" },
      { person: "", category: "tv" },
      { person: "", category: "" },
    ]);
    expect(draftRules(draft)).toEqual(rules);
  });

  it("drops rows without a person, keeps a rule once, and keeps quotas within 0 to 100", () => {
    expect(
      draftRules({
        weekly_quota: 250,
        quotas: [
          { person: " Bob ", quota: 3 },
          { person: "", quota: 9 },
          { person: "Bob", quota: 4 },
          { person: "Dan", quota: -2 },
          { person: "Eve", quota: Number.NaN },
        ],
        auto_approve: [
          { person: " ", category: "tv" },
          { person: "", category: "tv" },
          { person: "Bob", category: "" },
        ],
      }),
    ).toEqual({
      weekly_quota: 100,
      quotas: { Bob: 4, Dan: 0, Eve: 0 },
      auto_approve: [
        { user: null, category: "tv" },
        { user: "Bob", category: null },
      ],
    });
  });
});
