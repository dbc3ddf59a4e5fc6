// Runs a built entry point (dist/), or another program, as its own process and collects its output and exit code.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningProcess {
  child: ChildProcess;
  output: () => { stdout: string; stderr: string };
  /** Resolves when stdout+stderr first match the pattern. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<ProcessResult>;
}

export function startProcess(script: string, args: string[], env: NodeJS.ProcessEnv, stdin?: string): RunningProcess {
  // Throwaway storage unless a test says otherwise: a process without MONGODB_URI must not write the repository's .gatehouse/.
  return startCommand(process.execPath, [path.join(ROOT, script), ...args], { LOG_LEVEL: 'info', GATEHOUSE_IN_MEMORY: '1', ...env }, stdin);
}

/** Any program (caddy in the deploy test), run from the repository root with PATH and `env` only. */
export function startCommand(command: string, args: string[], env: NodeJS.ProcessEnv, stdin?: string): RunningProcess {
  const child = spawn(command, args, { cwd: ROOT, env: { PATH: process.env.PATH, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (chunk) => {
    stdout += chunk;
    for (const listener of listeners) listener();
  });
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
    for (const listener of listeners) listener();
  });
  if (stdin !== undefined) child.stdin!.end(stdin);
  const exited = new Promise<ProcessResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    // A program that cannot start (not installed) ends here instead of as an unhandled 'error' event.
    child.on('error', (error) => resolve({ code: null, signal: null, stdout, stderr: `${stderr}${error.message}\n` }));
  });
  return {
    child,
    output: () => ({ stdout, stderr }),
    exited,
    waitFor(pattern, timeoutMs = 20_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pattern.test(stdout + stderr)) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${pattern}; output so far:\n${stdout}\n${stderr}`));
        }, timeoutMs);
        listeners.add(check);
        void exited.then(() => {
          if (listeners.has(check)) {
            listeners.delete(check);
            clearTimeout(timer);
            reject(new Error(`process exited before ${pattern}; output:\n${stdout}\n${stderr}`));
          }
        });
        check();
      });
    },
  };
}

export function runProcess(script: string, args: string[], env: NodeJS.ProcessEnv, stdin?: string): Promise<ProcessResult> {
  return startProcess(script, args, env, stdin).exited;
}
