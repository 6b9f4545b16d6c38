import { useTrack } from '@pulse/react';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { PRODUCTS } from '../products.js';

/** A product page, reported as `/products/:id` whatever the id. */
export function Product() {
  const { id } = useParams();
  const product = PRODUCTS.find((one) => String(one.id) === id) ?? PRODUCTS[0]!;
  const track = useTrack();
  const [inBasket, setInBasket] = useState(0);
  return (
    <>
      <p>
        <Link to="/">← All products</Link>
      </p>
      <h1>{product.name}</h1>
      <div className="swatch" style={{ background: product.colour, height: '12rem' }} />
      <p>
        Made by hand in a small workshop. <strong>{product.price}</strong>
      </p>
      <button
        type="button"
        className="primary"
        onClick={() => {
          track('add-to-basket');
          setInBasket((count) => count + 1);
        }}
      >
        Add to basket
      </button>
      {inBasket > 0 && <p role="status">{inBasket} in your basket.</p>}
    </>
  );
}
