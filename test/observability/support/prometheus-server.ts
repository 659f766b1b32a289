import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../src/testing/redis-server.js';

export interface PrometheusOptions {
  /** `host:port` of each app to scrape at `/metrics`, job `secure-ws`. */
  targets: string[];
  /** Contents of a rules file to load. */
  rules?: string;
  /** Scrape and rule evaluation interval. @default '1s' */
  interval?: string;
}

interface ApiAnswer<T> {
  status: 'success' | 'error';
  data: T;
  error?: string;
}

export interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** Debian's `prometheus` on a free loopback port, its data in a temp folder removed at stop. */
export class PrometheusServer {
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
    private readonly dir: string,
    private readonly output: () => string,
  ) {}

  static async start(options: PrometheusOptions): Promise<PrometheusServer> {
    const dir = mkdtempSync(join(tmpdir(), 'secure-ws-prometheus-'));
    const interval = options.interval ?? '1s';
    const rulesFile = join(dir, 'rules.yml');
    if (options.rules) writeFileSync(rulesFile, options.rules);
    const config = [
      'global:',
      `  scrape_interval: ${interval}`,
      `  evaluation_interval: ${interval}`,
      options.rules ? `rule_files: ['${rulesFile}']` : '',
      'scrape_configs:',
      '  - job_name: secure-ws',
      '    static_configs:',
      `      - targets: [${options.targets.map((t) => `'${t}'`).join(', ')}]`,
    ].join('\n');
    writeFileSync(join(dir, 'prometheus.yml'), config);
    const port = await freePort();
    const child = spawn(
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const server = new PrometheusServer(`http://127.0.0.1:${port}`, child, dir, () => output);
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`prometheus exited: ${output}`);
      try {
        if ((await fetch(`${server.url}/-/ready`)).ok) return server;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await server.stop();
        throw new Error(`prometheus not ready within 30 s: ${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** An instant query; the API's answer (status `error` for invalid PromQL). */
  async query(expr: string): Promise<ApiAnswer<{ resultType: string; result: VectorSample[] }>> {
    const response = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    return (await response.json()) as ApiAnswer<{ resultType: string; result: VectorSample[] }>;
  }

  /** Active alerts: name and state (`pending` or `firing`). */
  async alerts(): Promise<Array<{ name: string; state: string }>> {
    const response = await fetch(`${this.url}/api/v1/alerts`);
    const answer = (await response.json()) as ApiAnswer<{
      alerts: Array<{ labels: { alertname: string }; state: string }>;
    }>;
    return answer.data.alerts.map((alert) => ({
      name: alert.labels.alertname,
      state: alert.state,
    }));
  }

  /** Health of the scrape targets. */
  async targetsUp(): Promise<boolean> {
    const answer = await this.query('up{job="secure-ws"}');
    return answer.data.result.length > 0 && answer.data.result.every((s) => s.value[1] === '1');
  }

  get log(): string {
    return this.output();
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      const killer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
