/**
 * A network namespace with kernel-level UDP impairment for the WebRTC accuracy test, after
 * /work/shared/netlab: iptables sends every UDP packet on the namespace's loopback to an NFQUEUE,
 * where nfqdelay (test/fixtures/netlab/nfqdelay.c, compiled here) holds it for a set delay and
 * jitter or drops a share, and logs each packet (the ground truth) to a CSV. This kernel has no
 * netem, and Chromium's own throttling does not touch WebRTC media, hence this helper.
 *
 * The namespace has a veth interface with a private address besides `lo`: WebRTC gathers no
 * candidates on loopback alone, and traffic between the namespace's own addresses still leaves
 * through `lo`, where the queue is. Needs root (CI has it); every process and the namespace go
 * away in `close()`, which the test calls in `afterAll` whatever happened.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const NFQDELAY_SOURCE = fileURLToPath(new URL('../../fixtures/netlab/nfqdelay.c', import.meta.url));

/** One packet of nfqdelay's log. */
export interface LoggedPacket {
  sport: number;
  dport: number;
  dropped: boolean;
  /** Time the packet was held, ms (absent for a dropped one). */
  delay?: number;
}

/** nfqdelay's settings: delay and jitter (uniform ±) in ms, loss 0..1, seed. */
export interface Impairment {
  delay: number;
  jitter?: number;
  loss?: number;
  seed?: number;
}

export interface Netlab {
  /** Runs a command inside the namespace. */
  spawn(command: string, args: string[]): ChildProcess;
  /** Starts nfqdelay with `impairment`; resolves once its queue is bound. */
  impair(impairment: Impairment): Promise<void>;
  /** Stops nfqdelay and returns its log. */
  truth(): Promise<LoggedPacket[]>;
  /** Drops every UDP packet (a network cut) until `restore()`. */
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once('exit', () => resolve()));

export async function openNetlab(): Promise<Netlab> {
  const dir = await mkdtemp(join(tmpdir(), 'pulse-netlab-'));
  const binary = join(dir, 'nfqdelay');
  await run('gcc', ['-O2', '-Wall', '-o', binary, NFQDELAY_SOURCE, '-lnetfilter_queue', '-lm']);
  const name = `pulse-webrtc-${process.pid}`;
  const inside = (...command: string[]) => run('ip', ['netns', 'exec', name, ...command]);
  const children = new Set<ChildProcess>();
  let nfqdelay: ChildProcess | undefined;
  let log = '';

  await run('ip', ['netns', 'add', name]);
  try {
    await run('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
    await run('ip', ['-n', name, 'link', 'add', 'pv0', 'type', 'veth', 'peer', 'name', 'pv1']);
    await run('ip', ['-n', name, 'addr', 'add', '10.203.0.1/24', 'dev', 'pv0']);
    await run('ip', ['-n', name, 'link', 'set', 'pv0', 'up']);
    await run('ip', ['-n', name, 'link', 'set', 'pv1', 'up']);
    // --queue-bypass: with no nfqdelay bound (between scenarios) packets pass untouched.
    await inside(
      'iptables',
      '-A',
      'OUTPUT',
      '-o',
      'lo',
      '-p',
      'udp',
      '-j',
      'NFQUEUE',
      '--queue-num',
      '0',
      '--queue-bypass',
    );
  } catch (error) {
    await run('ip', ['netns', 'del', name]).catch(() => {});
    throw error;
  }

  const lab: Netlab = {
    spawn(command, args) {
      const child = spawn('ip', ['netns', 'exec', name, command, ...args], {
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      children.add(child);
      child.once('exit', () => children.delete(child));
      return child;
    },
    async impair({ delay, jitter = 0, loss = 0, seed = 1 }) {
      log = join(dir, `truth-${Date.now()}.csv`);
      const args = ['-q', '0', '-d', `${delay}`, '-j', `${jitter}`, '-l', `${loss}`];
      const child = lab.spawn(binary, [...args, '-s', `${seed}`, '-o', log]);
      nfqdelay = child;
      await new Promise<void>((resolve, reject) => {
        let stderr = '';
        child.stderr!.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          if (stderr.startsWith('nfqdelay q=')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`nfqdelay exited ${code}: ${stderr}`)));
      });
    },
    async truth() {
      const child = nfqdelay;
      nfqdelay = undefined;
      if (child) {
        child.kill('SIGTERM');
        await exited(child);
      }
      return (await readFile(log, 'utf8'))
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => {
          const [, , , sport, dport, dropped, , actual] = line.split(',');
          return {
            sport: Number(sport),
            dport: Number(dport),
            dropped: dropped === '1',
            delay: actual ? Number(actual) : undefined,
          };
        });
    },
    async cut() {
      await inside('iptables', '-I', 'OUTPUT', '1', '-o', 'lo', '-p', 'udp', '-j', 'DROP');
    },
    async restore() {
      await inside('iptables', '-D', 'OUTPUT', '-o', 'lo', '-p', 'udp', '-j', 'DROP');
    },
    async close() {
      for (const child of children) child.kill('SIGKILL');
      await Promise.all([...children].map(exited));
      // Whatever they started (Chromium's processes under a runner killed mid-call) is still in
      // the namespace: every process in it goes, by id.
      const { stdout } = await run('ip', ['netns', 'pids', name]).catch(() => ({ stdout: '' }));
      for (const pid of stdout.split('\n').filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // Gone already.
        }
      }
      // Deleting the namespace removes its interfaces and every rule in it.
      await run('ip', ['netns', 'del', name]).catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
  return lab;
}
