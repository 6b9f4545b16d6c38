// The do-it-yourself baseline: the five web-vitals metrics, batched and sent with sendBeacon on hide.
import { onCLS, onFCP, onINP, onLCP, onTTFB, type Metric } from 'web-vitals';

const queue: Pick<Metric, 'name' | 'value' | 'rating' | 'id'>[] = [];
const add = ({ name, value, rating, id }: Metric) => void queue.push({ name, value, rating, id });
const send = () => {
  if (queue.length === 0) return;
  navigator.sendBeacon('/analytics', JSON.stringify(queue.splice(0)));
};

onCLS(add);
onFCP(add);
onINP(add);
onLCP(add);
onTTFB(add);
addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && send());
