import { PulseProfiler } from '@pulse/react';
import { Link } from 'react-router';
import { PRODUCTS } from '../products.js';

/** The fast route: text first, no big images, nothing blocking. */
export function Home() {
  return (
    <>
      <h1>Handmade things for slow mornings</h1>
      <p>
        A small shop that reports its own experience to Pulse. Browse around, then open the
        dashboard: this page should score well, the Deals page should not.
      </p>
      <PulseProfiler id="product-grid">
        <div className="products">
          {PRODUCTS.map((product) => (
            <Link key={product.id} to={`/products/${product.id}`} className="product">
              <div className="swatch" style={{ background: product.colour }} />
              {product.name}
              <br />
              <strong>{product.price}</strong>
            </Link>
          ))}
        </div>
      </PulseProfiler>
    </>
  );
}
