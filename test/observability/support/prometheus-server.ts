import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../src/testing/free-port.js';
import { assertInstalled, ServerProcess } from '../../../src/testing/server-process.js';

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
    private readonly process: ServerProcess,
    private readonly dir: string,
  ) {}

  static async start(options: PrometheusOptions): Promise<PrometheusServer> {
    assertInstalled('prometheus', 'Prometheus');
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
    const url = `http://127.0.0.1:${port}`;
    const child = new ServerProcess(`prometheus on port ${port}`);
    try {
      await child.start({
        command: 'prometheus',
        args: [
          `--config.file=${join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
          '--log.level=warn',
        ],
        ready: () => isReady(url),
        timeoutMs: 30_000,
        pollMs: 100,
      });
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    return new PrometheusServer(url, child, dir);
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
    return this.process.log;
  }

  async stop(): Promise<void> {
    await this.process.stop('SIGTERM', 5000);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

async function isReady(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/-/ready`)).ok;
  } catch {
    return false; // not listening yet
  }
}
