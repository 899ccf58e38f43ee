"use client";

import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { ApiProblem } from "@/lib/client/api";
import { Toaster } from "./ui/toaster";

/** A signed-out API answer (expired session) sends the operator to sign in, then back here. */
function onAuthError(error: unknown) {
  if (!(error instanceof ApiProblem) || error.status !== 401 || typeof window === "undefined") return;
  if (window.location.pathname.startsWith("/sign-in")) return;
  const url = new URL("/sign-in", window.location.origin);
  url.searchParams.set("callbackUrl", window.location.pathname + window.location.search);
  window.location.assign(url.toString());
}

export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(
    () =>
      new QueryClient({
        queryCache: new QueryCache({ onError: onAuthError }),
        mutationCache: new MutationCache({ onError: onAuthError }),
        defaultOptions: {
          queries: { staleTime: 2_000, refetchOnWindowFocus: true },
          mutations: { retry: false },
        },
      }),
  );
  return (
    <QueryClientProvider client={client}>
      {children}
      <Toaster />
    </QueryClientProvider>
  );
}
