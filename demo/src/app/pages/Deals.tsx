import { PulseErrorBoundary } from '@pulse/react';
import { useEffect, useState } from 'react';
import { useLocation } from 'react-router';
import { busy } from '../busy.js';

/** Blocking work the page does after it mounts: [delay, duration] in ms, each a long task. */
const LONG_TASKS: ReadonlyArray<[number, number]> = [
  [400, 180],
  [1100, 260],
  [2200, 140],
];
/** The coupon handler blocks this long: a poor INP (> 500 ms) by itself. */
const SLOW_HANDLER_MS = 550;

const DEALS = [
  ['Ceramic mug, set of four', '€59 → €44'],
  ['Linen apron and tea towel', '€48 → €36'],
  ['Oak serving board, large', '€49 → €39'],
  ['Copper kettle', '€89 → €71'],
  ['Loose-leaf tea sampler', '€24 → €18'],
];

/** Share of visits on which the recommendations widget breaks. */
const BROKEN_SHARE = 0.3;

/**
 * Whether this visit's widget breaks: decided once per navigation (the router's location key),
 * not per render. React renders a subtree again after a render error before handing it to the
 * error boundary; a fresh coin toss there could make the retry succeed, and React would then
 * report the recovered error as uncaught instead of the boundary catching it.
 */
let visit = { key: '', broken: false };
function useBrokenOnSomeVisits(): boolean {
  const { key } = useLocation();
  if (visit.key !== key) visit = { key, broken: Math.random() < BROKEN_SHARE };
  return visit.broken;
}

/** Throws while rendering on some visits, like a widget fed unexpected data. */
function Recommendations({ broken }: { broken: boolean }) {
  if (broken) throw new Error('recommendations: unexpected response shape');
  return <p>Customers also bought: linen apron, oak board.</p>;
}

/**
 * The deliberately bad route, everything the Web Vitals punish: a 4 MB hero image without
 * dimensions that trickles in (late LCP, and everything below it jumps), a promo banner
 * inserted above the content once the picture is in (CLS), long tasks after mount (TBT), and a
 * click handler that blocks (INP).
 */
export function Deals() {
  const [banner, setBanner] = useState(false);
  const [coupon, setCoupon] = useState(false);
  const broken = useBrokenOnSomeVisits();
  useEffect(() => {
    const timers = LONG_TASKS.map(([delay, duration]) => setTimeout(() => busy(duration), delay));
    return () => timers.forEach(clearTimeout);
  }, []);
  // The promo slides in above everything once the picture has arrived: the worst moment for it.
  const onHeroLoad = () => setTimeout(() => setBanner(true), 300);
  return (
    <>
      {banner && (
        <div className="banner">
          Flash sale: 20% off everything for the next hour! Use code SLOWMORNING at checkout.
        </div>
      )}
      <h1>This week's deals</h1>
      <img
        className="hero"
        src="/images/hero.bmp"
        alt="Sunset over the workshop hills"
        onLoad={onHeroLoad}
      />
      <p>Every deal below is hand-picked. The coupon applies to the whole basket.</p>
      <ul className="deals">
        {DEALS.map(([name, price]) => (
          <li key={name}>
            {name} <strong>{price}</strong>
          </li>
        ))}
      </ul>
      <button
        type="button"
        id="apply-coupon"
        className="primary"
        onClick={() => {
          busy(SLOW_HANDLER_MS);
          setCoupon(true);
        }}
      >
        Apply coupon
      </button>
      {coupon && <p role="status">Coupon applied.</p>}
      <PulseErrorBoundary fallback={<p>Recommendations are unavailable right now.</p>}>
        <Recommendations broken={broken} />
      </PulseErrorBoundary>
    </>
  );
}
