/**
 * Local stand-ins for the three receivers of collector/alertmanager/alertmanager.yml, on one
 * loopback HTTP server: Slack's incoming webhook (`/slack`), PagerDuty's Events API v2
 * (`/pagerduty`) and the ticket webhook (`/ticket`). Alertmanager sends each its real payload;
 * the server records when it came and which alerts it was about, read the way each service
 * would read it.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ReceiverName = 'slack' | 'pagerduty' | 'ticket';

/** One alert named in one notification. */
export interface Notified {
  receiver: ReceiverName;
  /** `firing` or `resolved`. */
  status: string;
  alertname: string;
  /** The `app` label where the alert has one. */
  app?: string;
  /** Milliseconds since the epoch when the notification arrived. */
  at: number;
  /** The alert's lines as the receiver shows them (Slack text, PagerDuty summary, annotations). */
  text: string;
  /** The full labels, where the payload carries them (the ticket webhook's). */
  labels?: Record<string, string>;
  /** The runbook link the notification carries. */
  runbook?: string;
  /** The request's Authorization header. */
  authorization?: string;
  /** PagerDuty's integration key, which says which service to page. */
  routingKey?: string;
}

export interface NotificationReceivers {
  /** Base URL: the receivers are `${url}/slack`, `${url}/pagerduty` and `${url}/ticket`. */
  url: string;
  /** Every alert named so far, in arrival order. */
  notified: Notified[];
  close(): Promise<void>;
}

interface SlackMessage {
  attachments: { title: string; title_link: string; text: string }[];
}
interface PagerDutyEvent {
  routing_key: string;
  event_action: 'trigger' | 'resolve';
  payload: { summary: string };
  links?: { href: string }[];
}
interface WebhookMessage {
  alerts: {
    status: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
  }[];
}

/**
 * `[FIRING:2] PulseReleaseRegression shop`, the title alertmanager.yml gives Slack (and, without
 * the bracket, PagerDuty's summary): status, alert name and app of a notification's group.
 */
const GROUP_TITLE = /^(?:\[(FIRING|RESOLVED)[^\]]*\]\s*)?(\w+)(?: ([^\s:]+))?/;

function parseGroupTitle(title: string) {
  const [, status, alertname, app] = GROUP_TITLE.exec(title.trim()) ?? [];
  if (alertname === undefined) throw new Error(`unreadable notification title: ${title}`);
  return { status: status?.toLowerCase(), alertname, app };
}

/** The alerts a payload is about, as its receiver reads them. */
function readPayload(
  receiver: ReceiverName,
  body: unknown,
): Omit<Notified, 'receiver' | 'at' | 'authorization'>[] {
  if (receiver === 'slack') {
    return (body as SlackMessage).attachments.map((attachment) => {
      const { status, alertname, app } = parseGroupTitle(attachment.title);
      return {
        status: status ?? 'firing',
        alertname,
        app,
        text: attachment.text,
        runbook: attachment.title_link,
      };
    });
  }
  if (receiver === 'pagerduty') {
    const event = body as PagerDutyEvent;
    const { alertname, app } = parseGroupTitle(event.payload.summary);
    return [
      {
        status: event.event_action === 'trigger' ? 'firing' : 'resolved',
        alertname,
        app,
        text: event.payload.summary,
        runbook: event.links?.[0]?.href,
        routingKey: event.routing_key,
      },
    ];
  }
  return (body as WebhookMessage).alerts.map((alert) => ({
    status: alert.status,
    alertname: alert.labels.alertname!,
    app: alert.labels.app,
    text: `${alert.annotations.summary}\n${alert.annotations.description}`,
    labels: alert.labels,
    runbook: alert.annotations.runbook_url,
  }));
}

async function readBody(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return text;
}

export async function startNotificationReceivers(): Promise<NotificationReceivers> {
  const notified: Notified[] = [];
  const failures: string[] = [];
  const server = createServer((request, response) => {
    void readBody(request).then((text) => {
      const receiver = request.url?.slice(1) as ReceiverName;
      const at = Date.now();
      try {
        if (!['slack', 'pagerduty', 'ticket'].includes(receiver))
          throw new Error(`no receiver at ${request.url}`);
        for (const alert of readPayload(receiver, JSON.parse(text)))
          notified.push({ ...alert, receiver, at, authorization: request.headers.authorization });
        // PagerDuty answers 202, Slack and webhooks 200: Alertmanager accepts any 2xx.
        response.writeHead(receiver === 'pagerduty' ? 202 : 200).end('{}');
      } catch (error) {
        failures.push(`${String(error)}: ${text}`);
        response.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    notified,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) =>
          failures.length > 0
            ? reject(new Error(`unreadable notifications:\n${failures.join('\n')}`))
            : error
              ? reject(error)
              : resolve(),
        );
      }),
  };
}
