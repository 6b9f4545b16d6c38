/** The demo shop's catalogue. */
export interface Product {
  id: number;
  name: string;
  price: string;
  colour: string;
}

export const PRODUCTS: readonly Product[] = [
  { id: 1, name: 'Ceramic mug, 350 ml', price: '€18', colour: '#c97b5a' },
  { id: 2, name: 'Linen apron', price: '€34', colour: '#8aa39b' },
  { id: 3, name: 'Oak serving board', price: '€49', colour: '#b08a5b' },
  { id: 4, name: 'Loose-leaf tea tin', price: '€12', colour: '#5b6f8a' },
  { id: 5, name: 'Copper kettle', price: '€89', colour: '#b8733d' },
];
