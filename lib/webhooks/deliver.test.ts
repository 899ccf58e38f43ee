import { describe, expect, it } from "vitest";
import { UpstreamRefusedError } from "@/lib/net/guarded-fetch";
import { deliveryError } from "./deliver";

describe("the delivery log's error", () => {
  it("is a code and our sentence, never the wording of what failed", () => {
    const refused = new TypeError("fetch failed", {
      cause: new UpstreamRefusedError(
        "target_address_refused",
        "x is an internal address (loopback); the server does not connect to it.",
      ),
    });
    expect(deliveryError(refused)).toEqual({
      error: "target_address_refused: x is an internal address (loopback); the server does not connect to it.",
      statusCode: null,
    });
    expect(
      deliveryError(
        new UpstreamRefusedError(
          "upstream_redirect_refused",
          "h answered 302 with a redirect; redirects are not followed.",
          302,
        ),
      ),
    ).toMatchObject({
      error: expect.stringMatching(/^upstream_redirect_refused: /),
      statusCode: 302,
    });
    expect(deliveryError(new DOMException("The operation was aborted due to timeout", "TimeoutError")).error).toMatch(
      /^timeout: /,
    );
    const network = new TypeError("fetch failed", {
      cause: Object.assign(new Error("connect ECONNREFUSED 10.0.0.7:443 <upstream text>"), { code: "ECONNREFUSED" }),
    });
    expect(deliveryError(network)).toEqual({
      error: "network_error: the receiver could not be reached (ECONNREFUSED)",
      statusCode: null,
    });
    expect(deliveryError(new Error("<html>internal body</html>")).error).not.toContain("internal body");
  });
});
