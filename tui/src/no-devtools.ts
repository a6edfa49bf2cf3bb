/**
 * Stands in for react-devtools-core in the bundled `maestro`: Ink imports it only to connect to
 * React DevTools when DEV=true, which a released CLI never does.
 */
const devtools = {
  initialize(): void {},
  connectToDevTools(): void {},
};
export default devtools;
