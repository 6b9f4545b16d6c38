// The score functions alone, as a dashboard or hook would import them.
import { connectionScore, pageScore } from '@pulse/sdk/score';

Object.assign(window, { pageScore, connectionScore });
