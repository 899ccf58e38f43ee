// Stands in for `server-only` under Vitest: that package throws unless bundled for React
// Server Components, but server modules are imported directly by tests.
export {};
