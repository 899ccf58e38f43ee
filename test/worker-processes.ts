// Worker processes for crash tests: `node --import tsx scripts/worker.ts` (not the tsx CLI, so
// that SIGKILL hits the process executing the step rather than a launcher). Their output is
// shown with DEBUG_WORKERS=1.
import { spawn, type ChildProcess } from "node:child_process";

export function workerProcesses(env: Record<string, string> = {}) {
  const children: ChildProcess[] = [];
  return {
    start(name = `worker-${children.length + 1}`, extraEnv: Record<string, string> = {}): ChildProcess {
      const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/worker.ts"], {
        env: { ...process.env, ...env, ...extraEnv },
        stdio: ["ignore", "pipe", "pipe"],
      });
      const show = (d: Buffer) => process.env.DEBUG_WORKERS && process.stderr.write(`[${name}] ${d}`);
      child.stdout?.on("data", show);
      child.stderr?.on("data", show);
      children.push(child);
      return child;
    },
    killAll(): void {
      for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}
