/** App entry: registers <gradflow-app>, which index.html shows. */
import './ui/gradflow-app';
