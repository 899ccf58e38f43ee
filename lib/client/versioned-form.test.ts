import { describe, expect, it } from "vitest";
import type { Session } from "./types";
import { changedKeys, changes, followServer, formFrom, rebase, withField } from "./versioned-form";

const session = (version: number, fields: Partial<Session> = {}) =>
  ({ version, platformName: "Acme", slug: "acme", tier: "starter", ...fields }) as Session;
const pick = (s: Session) => ({ platformName: s.platformName, slug: s.slug, tier: s.tier as string });

describe("versioned form", () => {
  it("follows the server while untouched", () => {
    const form = formFrom(session(1), pick);
    const next = followServer(form, session(2, { platformName: "Renamed" }), pick);
    expect(next).toEqual({
      version: 2,
      base: { platformName: "Renamed", slug: "acme", tier: "starter" },
      values: { platformName: "Renamed", slug: "acme", tier: "starter" },
    });
    expect(followServer(form, session(1), pick)).toBeNull();
  });

  it("keeps the operator's edits and their version when the server moves on", () => {
    const edited = withField(formFrom(session(1), pick), "slug", "acme-2");
    expect(followServer(edited, session(2, { platformName: "Renamed" }), pick)).toBeNull();
    expect(edited.version).toBe(1);
  });

  it("is clean again once an edit is undone, and then follows the server", () => {
    const undone = withField(withField(formFrom(session(1), pick), "slug", "acme-2"), "slug", "acme");
    expect(changedKeys(undone)).toEqual([]);
    expect(followServer(undone, session(3), pick)?.version).toBe(3);
  });

  it("sends only the edited fields", () => {
    const edited = withField(withField(formFrom(session(1), pick), "slug", "acme-2"), "tier", "scale");
    expect(changes(edited)).toEqual({ slug: "acme-2", tier: "scale" });
    expect(changes(formFrom(session(1), pick))).toEqual({});
  });

  it("rebases edits onto a newer version, taking the rest from it", () => {
    const edited = withField(formFrom(session(1), pick), "slug", "mine");
    const rebased = rebase(edited, session(4, { platformName: "Theirs", slug: "theirs" }), pick);
    expect(rebased).toEqual({
      version: 4,
      base: { platformName: "Theirs", slug: "theirs", tier: "starter" },
      values: { platformName: "Theirs", slug: "mine", tier: "starter" },
    });
    expect(changedKeys(rebased)).toEqual(["slug"]);
  });
});
