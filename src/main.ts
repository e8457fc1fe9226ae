/** App entry: registers the components that index.html uses. */
import './ui/gf-training-demo';
